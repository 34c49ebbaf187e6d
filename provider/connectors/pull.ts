/**
 * The pull stage: runs the project's sources (a few at a time), applies each one's scope, maps
 * object types, tags, identities and attributes, and renders one deterministic inventory file per
 * source, `<inventory>/pulled/<source>.yaml`. A source that fails rewrites nothing; a pull that
 * found nothing new renders byte-identical files. Writing is the caller's choice (`writePulled`),
 * so a dry run renders the same files and writes none.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as jsyaml from "js-yaml";
import { parseDocument, isMap, isSeq, LineCounter } from "yaml";
import { dottedPath, type Issue, type IssueCode } from "../model/issues";
import { DEFAULT_NEW_TAG } from "../model/pulled";
import { type Config, DataSource, Group, InventorySource, OBJECT_TYPES, type Platform, type TagRule, User } from "../model/schema";
import { configProblems, redact, resolveCredential } from "./credentials";
import { httpClient } from "./http";
import { connectorOf } from "./index";
import { compileScope, ScopePatternError, scopeProblems, segmentGlob } from "./scope";
import {
  type CatalogObject,
  type Connector,
  type DirectoryUser,
  type HttpClient,
  type PullContext,
  type PullResult,
  SourceError,
} from "./types";

/** The keys of a source entry the pull stage owns; the rest belong to the connector. */
const OWNED_KEYS = ["name", "kind", "include", "exclude", "tags", "newTag", "dataSourceId", "attributes", "identities", "userId"] as const;

/** One source of the project file, checked and ready to run. */
export interface PlannedSource {
  entry: InventorySource;
  connector: Connector<unknown>;
  config: unknown;
  /** The entry's index in `inventory.sources`. */
  index: number;
}

/** The sources a project file declares, with every problem of their entries. */
export interface ProjectSources {
  /** The project file. */
  file: string;
  /** The inventory directory (absolute). */
  inventory: string;
  sources: PlannedSource[];
  issues: Issue[];
}

/** Reads `inventory.sources` of a project file and checks every entry (shape, kind, scope, connector keys). */
export function readSources(projectFile: string, inventoryDir: string, cwd = process.cwd()): ProjectSources {
  const rel = path.relative(cwd, projectFile) || projectFile;
  const text = fs.readFileSync(projectFile, "utf8");
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const issues: Issue[] = [];
  const lineOf = (p: (string | number)[]) => {
    let node: unknown = doc.contents;
    let pos: number | undefined;
    for (const seg of p) {
      if (isMap(node)) {
        const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === seg);
        if (!pair) break;
        pos = (pair.key as { range?: [number] }).range?.[0] ?? pos;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        pos = (node as { range?: [number] } | undefined)?.range?.[0] ?? pos;
      } else break;
    }
    return pos === undefined ? undefined : lc.linePos(pos).line;
  };
  const at = (p: (string | number)[], code: IssueCode, message: string, help?: string): Issue => {
    const line = lineOf(p);
    return {
      severity: "error",
      code,
      message,
      file: rel,
      ...(line !== undefined ? { line } : {}),
      path: dottedPath(p),
      ...(help ? { help } : {}),
    };
  };
  const value = doc.toJS() as { inventory?: unknown } | null;
  const inv = value?.inventory;
  const raw = inv && typeof inv === "object" && !Array.isArray(inv) ? (inv as { sources?: unknown }).sources : undefined;
  const out: ProjectSources = { file: projectFile, inventory: inventoryDir, sources: [], issues };
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) {
    issues.push(
      at(
        ["inventory", "sources"],
        "invalid-type",
        "`sources` must be a list of sources",
        "write `sources:` with one `- name: ...` entry per source",
      ),
    );
    return out;
  }
  const names = new Set<string>();
  raw.forEach((item: unknown, index) => {
    const base = ["inventory", "sources", index];
    const r = InventorySource.safeParse(item);
    if (!r.success) {
      for (const p of configProblems(r.error)) issues.push(at([...base, ...p.path], "source-invalid", p.message, p.help));
      return;
    }
    const entry = r.data;
    if (names.has(entry.name)) {
      issues.push(at([...base, "name"], "duplicate-source", `source \`${entry.name}\` is declared twice`, "give each source its own name"));
      return;
    }
    names.add(entry.name);
    const connector = connectorOf(entry.kind);
    if (!connector) {
      issues.push(
        at(
          [...base, "kind"],
          "unknown-source-kind",
          `source \`${entry.name}\` has the unknown kind \`${entry.kind}\``,
          "see docs/connectors.md for the kinds",
        ),
      );
      return;
    }
    let bad = false;
    for (const k of ["include", "exclude"] as const) {
      for (const p of scopeProblems(entry[k] ?? [])) {
        issues.push(at([...base, k, p.index], "scope-pattern-invalid", p.message, "see the scope syntax in docs/connectors.md"));
        bad = true;
      }
    }
    (entry.tags ?? []).forEach((rule, i) => {
      if (rule.label === undefined && !LOCATION_RULE_KEYS.some((k) => rule[k] !== undefined)) {
        issues.push(
          at(
            [...base, "tags", i],
            "tag-rule-empty",
            "a tag rule must name a `label` or a location part (`schema`, `table`...)",
            'e.g. `{ label: PII, value: "TRUE", tag: pii }` or `{ schema: finance, tag: finance }`',
          ),
        );
        bad = true;
      }
    });
    const own = Object.fromEntries(
      Object.entries(item as Record<string, unknown>).filter(([k]) => !(OWNED_KEYS as readonly string[]).includes(k)),
    );
    const c = connector.configSchema.safeParse(own);
    if (!c.success) {
      for (const p of configProblems(c.error))
        issues.push(
          at(
            [...base, ...p.path],
            "source-invalid",
            `source \`${entry.name}\`: \`${String(p.path[p.path.length - 1] ?? entry.kind)}\` ${p.message}`,
            p.help,
          ),
        );
      return;
    }
    if (!bad) out.sources.push({ entry, connector, config: c.data, index });
  });
  return out;
}

const LOCATION_RULE_KEYS = ["database", "catalog", "project", "bucket", "schema", "dataset", "table", "prefix"] as const;

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
function userField(u: DirectoryUser): (name: string) => string | undefined {
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

function ruleMatches(rule: TagRule, o: CatalogObject, globs: Map<string, RegExp>): boolean {
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
export interface SourceOutcome {
  name: string;
  kind: string;
  ok: boolean;
  /** The file, relative to the working directory. */
  file: string;
  /** The new text (absent when the source failed). */
  text?: string;
  /** The current text on disk (absent when there is none). */
  previous?: string;
  counts: { objects: number; users: number; groups: number };
  issues: Issue[];
  notes: string[];
  seconds: number;
  stats: { requests: number; pages: number };
}

/** How a pull runs; every field but the paths has a default. */
export interface PullOptions {
  /** Only these sources (by name). */
  only?: readonly string[];
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  http?: HttpClient;
  /** Sources run at once. Default 4. */
  concurrency?: number;
  /** The estate's platform configuration (managed schemas are left out of catalogs). */
  config?: Config;
  /** Progress of each source. */
  progress?: (source: string, p: { objects?: number; users?: number; pages?: number }) => void;
  cwd?: string;
}

/** Runs the selected sources and renders their files; writes nothing. */
export async function pull(project: ProjectSources, options: PullOptions = {}): Promise<SourceOutcome[]> {
  const cwd = options.cwd ?? process.cwd();
  const selected =
    options.only && options.only.length > 0 ? project.sources.filter((s) => options.only!.includes(s.entry.name)) : project.sources;
  const http = options.http ?? httpClient();
  const queue = [...selected];
  const out: SourceOutcome[] = [];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) out.push(await runSource(s, project, { ...options, http }, cwd));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, selected.length)) }, worker));
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The file of a source. */
export const pulledFile = (inventoryDir: string, source: string) => path.join(inventoryDir, "pulled", `${source}.yaml`);

async function runSource(
  s: PlannedSource,
  project: ProjectSources,
  options: PullOptions & { http: HttpClient },
  cwd: string,
): Promise<SourceOutcome> {
  const started = Date.now();
  const file = pulledFile(project.inventory, s.entry.name);
  const relFile = path.relative(cwd, file) || file;
  const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  const secrets: string[] = [];
  const env = options.env ?? process.env;
  const ctx: PullContext = {
    source: s.entry.name,
    scope: compileScope(s.entry.include, s.entry.exclude),
    credential: (ref) => {
      const v = resolveCredential(ref, env, s.entry.name);
      if (!secrets.includes(v)) secrets.push(v);
      return v;
    },
    http: options.http,
    progress: (p) => options.progress?.(s.entry.name, p),
    now: options.now ?? (() => new Date()),
  };
  const outcome: SourceOutcome = {
    name: s.entry.name,
    kind: s.entry.kind,
    ok: false,
    file: relFile,
    ...(previous !== undefined ? { previous } : {}),
    counts: { objects: 0, users: 0, groups: 0 },
    issues: [],
    notes: [],
    seconds: 0,
    stats: { requests: 0, pages: 0 },
  };
  const clean = (t: string) => redact(t, secrets);
  let result: PullResult;
  try {
    result = await s.connector.pull(s.config, ctx);
  } catch (e) {
    const err =
      e instanceof SourceError
        ? e
        : new SourceError(
            "source-failed",
            `source \`${s.entry.name}\` failed: ${e instanceof ScopePatternError ? e.message : ((e as Error)?.name ?? "error")}`,
          );
    outcome.issues.push({ severity: "error", code: err.code, message: clean(err.message), ...(err.help ? { help: clean(err.help) } : {}) });
    outcome.seconds = (Date.now() - started) / 1000;
    return outcome;
  }
  outcome.stats = result.stats;
  outcome.notes = (result.notes ?? []).map(clean);
  for (const i of result.issues)
    outcome.issues.push({ severity: i.severity, code: i.code, message: clean(i.message), ...(i.help ? { help: clean(i.help) } : {}) });
  const rendered = renderSource(s, result, previous, options.config, outcome.issues);
  outcome.counts = rendered.counts;
  outcome.seconds = (Date.now() - started) / 1000;
  if (outcome.issues.some((i) => i.severity === "error")) return outcome;
  outcome.ok = true;
  outcome.text = clean(rendered.text);
  return outcome;
}

/** The ids and tags of the data sources of a previous pulled file (empty when unreadable). */
function previousDataSources(text: string | undefined): Map<string, string[]> | undefined {
  if (text === undefined) return undefined;
  try {
    const v = jsyaml.load(text) as { dataSources?: { id?: unknown; tags?: unknown }[] } | null;
    const out = new Map<string, string[]>();
    for (const d of v?.dataSources ?? [])
      if (typeof d.id === "string") out.set(d.id, Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === "string") : []);
    return out;
  } catch {
    return undefined;
  }
}

function renderSource(s: PlannedSource, r: PullResult, previous: string | undefined, config: Config | undefined, issues: Issue[]) {
  const name = s.entry.name;
  const warn = (code: IssueCode, message: string, help?: string) =>
    issues.push({ severity: "warning", code, message: `source \`${name}\`: ${message}`, ...(help ? { help } : {}) });
  const fail = (code: IssueCode, message: string, help?: string) =>
    issues.push({ severity: "error", code, message: `source \`${name}\`: ${message}`, ...(help ? { help } : {}) });

  // Data sources.
  const scope = compileScope(s.entry.include, s.entry.exclude);
  const globs = new Map<string, RegExp>();
  const before = previousDataSources(previous);
  const newTag = s.entry.newTag ?? DEFAULT_NEW_TAG;
  const managed = config?.viewBased.managedSchema ?? "accessplane";
  const bqSuffix = config?.viewBased.bigqueryDatasetSuffix ?? "_accessplane";
  const dataSources: DataSource[] = [];
  const ids = new Map<string, string>();
  for (const o of r.objects ?? []) {
    const p = objectPath(o);
    const shown = p.join(".");
    if (!scope.object(p)) continue;
    // accessplane's own objects: the managed views of Redshift and Synapse, BigQuery's mirrored datasets.
    if ((o.platform === "redshift" || o.platform === "synapse") && o.location.schema === managed) continue;
    if (o.platform === "bigquery" && o.location.dataset?.endsWith(bqSuffix)) continue;
    if (!(OBJECT_TYPES[o.platform] as readonly string[]).includes(o.objectType)) {
      warn(
        "unknown-object-type",
        `\`${shown}\` has the object type \`${o.objectType}\`, which ${o.platform} does not have in accessplane; it is left out`,
        `object types of ${o.platform}: ${OBJECT_TYPES[o.platform].join(", ")}`,
      );
      continue;
    }
    const field = (k: string) => (k === "source" ? name : k === "platform" ? o.platform : k === "path" ? shown : o.location[k]);
    const id = fillTemplate(s.entry.dataSourceId ?? "{source}.{path}", field);
    if (id === undefined) {
      warn(
        "data-source-id-not-derived",
        `the id template cannot be filled for \`${shown}\`; it is left out`,
        "use only location keys this platform has in `dataSourceId`",
      );
      continue;
    }
    const other = ids.get(id);
    if (other !== undefined) {
      fail(
        "data-source-id-collision",
        `\`${other}\` and \`${shown}\` both get the id \`${id}\``,
        "make `dataSourceId` unique, e.g. `{source}.{path}`",
      );
      continue;
    }
    ids.set(id, shown);
    const tags = new Set<string>();
    for (const rule of s.entry.tags ?? []) if (ruleMatches(rule, o, globs)) tags.add(rule.tag);
    const prev = before?.get(id);
    if ((before !== undefined && prev === undefined) || prev?.includes(newTag)) tags.add(newTag);
    const raw: Record<string, unknown> = {
      id,
      platform: o.platform,
      objectType: o.objectType,
      location: Object.fromEntries(Object.entries(o.location).sort(([a], [b]) => LOCATION_KEY_RANK(a) - LOCATION_KEY_RANK(b))),
      ...(tags.size > 0 ? { tags: [...tags].sort() } : {}),
      ...(o.comment ? { description: o.comment } : {}),
      ...(o.incomingShare && (o.platform === "snowflake" || o.platform === "databricks-unity-catalog") ? { incomingShare: true } : {}),
      ...(o.bigLake && o.platform === "bigquery" ? { bigLake: true } : {}),
    };
    const v = DataSource.safeParse(raw);
    if (!v.success) {
      warn(
        "object-invalid",
        `\`${shown}\` cannot be a data source (${configProblems(v.error)
          .map((x) => `${dottedPath(x.path)} ${x.message}`)
          .join("; ")}); it is left out`,
      );
      continue;
    }
    dataSources.push(raw as unknown as DataSource);
  }

  // Groups and users.
  const groupIds = new Map<string, string>();
  const groups: { id: string; description?: string }[] = [];
  for (const g of r.groups ?? []) {
    const gv = Group.safeParse({ id: g.displayName, description: g.description ?? "" });
    if (!gv.success) {
      warn("group-invalid", `group \`${g.externalId}\` cannot be a group (its name is empty or too long); it is left out`);
      continue;
    }
    if ([...groupIds.values()].includes(g.displayName)) {
      fail("group-name-collision", `two groups are named \`${g.displayName}\``, "rename one in the identity provider");
      continue;
    }
    groupIds.set(g.externalId, g.displayName);
    groups.push({ id: g.displayName, ...(g.description ? { description: g.description } : {}) });
  }
  const users: Record<string, unknown>[] = [];
  const userIds = new Map<string, string>();
  let inactive = 0;
  for (const u of r.users ?? []) {
    if (!u.active) {
      inactive++;
      continue;
    }
    const field = userField(u);
    const id = fillTemplate(s.entry.userId ?? "{userName}", field);
    if (id === undefined) {
      warn("user-id-not-derived", `user \`${u.userName}\` has no value for the user id template \`${s.entry.userId}\`; it is left out`);
      continue;
    }
    if (userIds.has(id)) {
      fail(
        "user-id-collision",
        `users \`${userIds.get(id)}\` and \`${u.userName}\` both get the id \`${id}\``,
        "make `userId` unique, e.g. `{userName}`",
      );
      continue;
    }
    userIds.set(id, u.userName);
    const attributes: Record<string, string[]> = {};
    for (const rule of s.entry.attributes ?? []) {
      const vals = (u.attributes[rule.from] ?? []).filter((x) => x !== "" && x.length <= 256);
      if (vals.length > 0) attributes[rule.to] = [...new Set([...(attributes[rule.to] ?? []), ...vals])].sort();
    }
    const identities: Record<string, string> = {};
    for (const [k, v] of Object.entries(u.identities ?? {})) if (v) identities[k] = v;
    for (const [platform, template] of Object.entries(s.entry.identities ?? {})) {
      const v = template === undefined ? undefined : fillTemplate(template, field);
      if (v === undefined) {
        delete identities[platform];
        warn(
          "identity-not-derived",
          `user \`${id}\` has no value for the ${platform} identity template \`${template}\`; no ${platform} identity is written`,
          "add the field in the identity provider, or write the identity in a hand-written entry of the user",
        );
      } else identities[platform] = v;
    }
    const raw: Record<string, unknown> = {
      id,
      ...(u.email ? { email: u.email } : {}),
      ...(u.groups.length
        ? { groups: [...new Set(u.groups.map((g) => groupIds.get(g)).filter((g): g is string => g !== undefined))].sort() }
        : {}),
      ...(Object.keys(attributes).length ? { attributes: sortKeys(attributes) } : {}),
      ...(Object.keys(identities).length ? { identities: sortKeys(identities) } : {}),
    };
    if (Array.isArray(raw.groups) && raw.groups.length === 0) delete raw.groups;
    const v = User.safeParse(raw);
    if (!v.success) {
      const problems = configProblems(v.error);
      // Drop what does not validate (an email or identity the schema refuses), keep the user.
      for (const p of problems) {
        if (p.path[0] === "email") delete raw.email;
        else if (p.path[0] === "identities" && typeof p.path[1] === "string") delete (raw.identities as Record<string, string>)[p.path[1]];
      }
      if (!User.safeParse(raw).success) {
        warn(
          "user-invalid",
          `user \`${u.userName}\` cannot be a user (${problems.map((x) => `${dottedPath(x.path)} ${x.message}`).join("; ")}); it is left out`,
        );
        continue;
      }
      warn(
        "user-field-invalid",
        `user \`${id}\`: ${problems.map((x) => `\`${dottedPath(x.path)}\` ${x.message}`).join("; ")}; left out of the entry`,
      );
    }
    users.push(raw);
  }
  if (inactive > 0) warn("users-inactive", `${inactive} inactive user${inactive === 1 ? "" : "s"} left out`);

  dataSources.sort((a, b) => cmp(a.id, b.id));
  groups.sort((a, b) => cmp(a.id, b.id));
  users.sort((a, b) => cmp(a.id as string, b.id as string));
  const text = renderFile(
    s.entry.name,
    s.entry.kind,
    s.connector.yields === "directory" ? { users, groups } : { dataSources: dataSources as unknown as Record<string, unknown>[] },
  );
  return { text, counts: { objects: dataSources.length, users: users.length, groups: groups.length } };
}

const LOCATION_KEY_RANK = (k: string) => {
  const i = ["database", "catalog", "project", "bucket", "schema", "dataset", "table", "prefix", "object", "location"].indexOf(k);
  return i === -1 ? 99 : i;
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortKeys = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b)));

// ---------------------------------------------------------------------------------------------
// Rendering: a small, fixed YAML emitter, so that the bytes depend on the data alone.

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@+-]*(?: [A-Za-z0-9_./@+-]+)*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

/** A scalar as YAML: plain when that reads back as the same text, else double-quoted. */
export function yamlScalar(v: unknown): string {
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  const s = String(v);
  if (PLAIN.test(s) && !RESERVED.test(s)) return s;
  return JSON.stringify(s);
}

const flowSeq = (xs: readonly unknown[]) => `[${xs.map(yamlScalar).join(", ")}]`;
const flowMap = (o: Record<string, unknown>) =>
  `{ ${Object.entries(o)
    .map(([k, v]) => `${yamlScalar(k)}: ${yamlScalar(v)}`)
    .join(", ")} }`;

function renderItem(item: Record<string, unknown>): string {
  const lines: string[] = [];
  let first = true;
  for (const [k, v] of Object.entries(item)) {
    const lead = first ? "  - " : "    ";
    first = false;
    if (Array.isArray(v)) lines.push(`${lead}${k}: ${flowSeq(v)}`);
    else if (v && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.every(([, x]) => !Array.isArray(x))) lines.push(`${lead}${k}: ${flowMap(v as Record<string, unknown>)}`);
      else {
        lines.push(`${lead}${k}:`);
        for (const [kk, x] of entries) lines.push(`      ${yamlScalar(kk)}: ${Array.isArray(x) ? flowSeq(x) : yamlScalar(x)}`);
      }
    } else lines.push(`${lead}${k}: ${yamlScalar(v)}`);
  }
  return lines.join("\n");
}

/** The text of a pulled file. */
export function renderFile(
  source: string,
  kind: string,
  lists: { users?: Record<string, unknown>[]; groups?: Record<string, unknown>[]; dataSources?: Record<string, unknown>[] },
): string {
  const out = [
    "# yaml-language-server: $schema=../../node_modules/accessplane/schema/inventory.schema.json",
    `# Generated by \`accessplane inventory pull\` from the source \`${source}\` (kind \`${kind}\`): do not edit.`,
    "# The next pull rewrites this file. Write overrides (extra tags, owners, attributes) in a",
    "# hand-written inventory file, in an entry with the same id: see docs/connectors.md.",
  ];
  for (const k of ["users", "groups", "dataSources"] as const) {
    const list = lists[k];
    if (list === undefined) continue;
    if (list.length === 0) {
      out.push(`${k}: []`);
      continue;
    }
    out.push(`${k}:`);
    for (const item of list) out.push(renderItem(item));
  }
  return out.join("\n") + "\n";
}

/** Writes the files of the sources that succeeded and changed; returns the files written. */
export function writePulled(outcomes: readonly SourceOutcome[], cwd = process.cwd()): string[] {
  const written: string[] = [];
  for (const o of outcomes) {
    if (!o.ok || o.text === undefined || o.text === o.previous) continue;
    const abs = path.resolve(cwd, o.file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    // Write beside, then rename: a crash never leaves half a file.
    const tmp = `${abs}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, o.text);
    fs.renameSync(tmp, abs);
    written.push(o.file);
  }
  return written;
}

/** Entries added, removed and changed between two versions of a pulled file. */
export interface InventoryChange {
  file: string;
  status: "added" | "changed" | "unchanged";
  added: string[];
  removed: string[];
  changed: string[];
}

/** What a pull changes in the inventory files, entry by entry (`kind:id`). */
export function inventoryChanges(outcomes: readonly SourceOutcome[]): InventoryChange[] {
  const entries = (text: string | undefined) => {
    const m = new Map<string, string>();
    if (text === undefined) return m;
    const v = (jsyaml.load(text) ?? {}) as Record<string, { id?: string }[]>;
    for (const k of ["users", "groups", "dataSources"]) for (const e of v[k] ?? []) m.set(`${k}:${String(e.id)}`, JSON.stringify(e));
    return m;
  };
  return outcomes
    .filter((o) => o.ok && o.text !== undefined)
    .map((o) => {
      const a = entries(o.previous);
      const b = entries(o.text);
      return {
        file: o.file,
        status: o.previous === undefined ? "added" : o.previous === o.text ? "unchanged" : "changed",
        added: [...b.keys()].filter((k) => !a.has(k)).sort(),
        removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
        changed: [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)).sort(),
      } satisfies InventoryChange;
    });
}
