/**
 * The mapping rules of the pull stage: templates over a directory user's fields, object paths, tag rules.
 */
import type { Platform, TagRule } from "../model/schema";
import { segmentGlob } from "./scope";
import type { CatalogObject, DirectoryGroup, DirectoryUser } from "./types";

/** The keys of a source entry the pull stage owns; the rest belong to the connector. */

export const LOCATION_RULE_KEYS = ["database", "catalog", "project", "bucket", "schema", "dataset", "table", "prefix"] as const;

/** A template over named fields: `{name}` or `{name|upper|lower}`. Undefined when a field is missing. */
export function fillTemplate(template: string, field: (name: string) => string | undefined): string | undefined {
  let missing = false;
  const out = template.replace(/\{([^{}|]+)((?:\|[a-z]+)*)\}/g, (_m, name: string, filters: string) => {
    let v = field(name.trim());
    if (v === undefined || v === "") {
      missing = true;
      return "";
    }
    for (const f of filters.split("|").filter(Boolean)) v = f === "upper" ? v.toUpperCase() : f === "lower" ? v.toLowerCase() : v;
    return v;
  });
  return missing ? undefined : out;
}

/** The fields a user template may name. */
export function userField(u: DirectoryUser): (name: string) => string | undefined {
  return (name) => {
    const at = u.email?.lastIndexOf("@") ?? -1;
    switch (name) {
      case "userName":
        return u.userName;
      case "email":
        return u.email;
      case "email.local":
        return at > 0 ? u.email!.slice(0, at) : undefined;
      case "email.domain":
        return at > 0 ? u.email!.slice(at + 1) : undefined;
      case "externalId":
        return u.externalId;
      default:
        if (name.startsWith("identities.")) return u.identities?.[name.slice("identities.".length)];
        if (name.startsWith("attributes.")) return u.attributes[name.slice("attributes.".length)]?.[0];
        return undefined;
    }
  };
}

/** The fields a group template may name: `displayName`, `externalId` (the directory's id of the group). */
export function groupField(g: DirectoryGroup): (name: string) => string | undefined {
  return (name) => (name === "displayName" ? g.displayName : name === "externalId" ? g.externalId : undefined);
}

/** The location keys of each platform, in path order (the scope's and the id's `{path}`). */
export const LOCATION_ORDER: Record<Platform, readonly string[]> = {
  snowflake: ["database", "schema", "table"],
  "databricks-unity-catalog": ["catalog", "schema", "table"],
  "databricks-spark": ["catalog", "schema", "table"],
  trino: ["catalog", "schema", "table"],
  redshift: ["database", "schema", "table"],
  synapse: ["database", "schema", "table"],
  bigquery: ["project", "dataset", "table"],
  s3: ["bucket", "prefix", "object"],
};

/** The dotted path of an object, for scopes and ids. */
export const objectPath = (o: CatalogObject): string[] =>
  LOCATION_ORDER[o.platform].map((k) => o.location[k]).filter((v): v is string => v !== undefined && v !== "");

export function ruleMatches(rule: TagRule, o: CatalogObject, globs: Map<string, RegExp>): boolean {
  if (rule.label !== undefined) {
    if (!(rule.label in o.labels)) return false;
    if (rule.value !== undefined && o.labels[rule.label] !== rule.value) return false;
  }
  for (const k of LOCATION_RULE_KEYS) {
    const pat = rule[k];
    if (pat === undefined) continue;
    const v = o.location[k];
    if (v === undefined) return false;
    let re = globs.get(pat);
    if (!re) globs.set(pat, (re = segmentGlob(pat)));
    if (!re.test(v)) return false;
  }
  return true;
}

/** What one source produced: its rendered file (absent when it failed), counts and issues. */
