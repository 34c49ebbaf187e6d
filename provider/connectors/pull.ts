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
import { dottedPath, type Issue, type IssueCode } from "../model/issues";
import { DEFAULT_NEW_TAG } from "../model/pulled";
import { DataSource, Group, OBJECT_TYPES, User, type Config } from "../model/schema";
import { configProblems, redact, resolveCredential } from "./credentials";
import { httpClient } from "./http";
import { compileScope, ScopePatternError } from "./scope";
import { SourceError, type HttpClient, type PullContext, type PullResult } from "./types";

/** The keys of a source entry the pull stage owns; the rest belong to the connector. */
import type { PlannedSource, ProjectSources } from "./pull-sources";
import { fillTemplate, groupField, objectPath, ruleMatches, userField } from "./pull-rules";
import { cmp, LOCATION_KEY_RANK, renderFile, sortKeys } from "./pulled-yaml";

export { readSources, type PlannedSource, type ProjectSources } from "./pull-sources";
export { fillTemplate, LOCATION_ORDER, objectPath } from "./pull-rules";
export { renderFile, yamlScalar } from "./pulled-yaml";

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
  const groups: { id: string; description?: string; identities?: Record<string, string> }[] = [];
  for (const g of r.groups ?? []) {
    // The identities the source knows, then the source's templates (`groupIdentities`).
    const identities: Record<string, string> = { ...(g.identities ?? {}) };
    for (const [key, template] of Object.entries(s.entry.groupIdentities ?? {})) {
      const v = template === undefined ? undefined : fillTemplate(template, groupField(g));
      if (v !== undefined) identities[key] = v;
    }
    const gv = Group.safeParse({
      id: g.displayName,
      description: g.description ?? "",
      ...(Object.keys(identities).length ? { identities } : {}),
    });
    if (!gv.success) {
      warn("group-invalid", `group \`${g.externalId}\` cannot be a group (its name is empty or too long); it is left out`);
      continue;
    }
    if ([...groupIds.values()].includes(g.displayName)) {
      fail("group-name-collision", `two groups are named \`${g.displayName}\``, "rename one in the identity provider");
      continue;
    }
    groupIds.set(g.externalId, g.displayName);
    groups.push({
      id: g.displayName,
      ...(g.description ? { description: g.description } : {}),
      ...(Object.keys(identities).length ? { identities: sortKeys(identities) } : {}),
    });
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
