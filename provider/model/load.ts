/**
 * Loading: YAML sources -> validated estate. Every problem is collected with file:line, a dotted
 * path and a hint; loading never stops at the first one and never throws on bad input.
 */
import { z } from "zod";
import type { Estate, EstateOrigins, EstateSources, LoadResult, SourceFile } from "./estate";
import { type Issue, dottedPath, sortIssues } from "./issues";
import {
  Config,
  DataSource,
  Domain,
  Group,
  PolicyInput,
  SharedRole,
  User,
  ProjectFile,
  type Inventory,
  type Policy,
  type Restriction,
} from "./schema";
import { mergePulledInventory, newTagsOf } from "./pulled";
import { emptyRejected, validateEstate, type Rejected } from "./validate";
import { parseYamlFile, type ParsedDoc } from "./yaml";
import { SourceIndex } from "./yaml-lines";
import { fromZod } from "./zod-issues";
import { append } from "./arrays";

/** Parses one file, recording its lines in `index` and its problems in `issues`. */
function parseYaml(src: SourceFile, index: SourceIndex, issues: Issue[]): ParsedDoc[] {
  const parsed = parseYamlFile(src);
  if (parsed.lines) index.add(src.path, parsed.lines);
  append(issues, parsed.issues);
  return parsed.docs;
}

function normaliseRestriction(s: PolicyInput["subscribers"]): Restriction | undefined {
  if (s.anyone) return { level: "anyone" };
  if (s.approval) {
    const a = s.approval;
    return {
      level: "approval",
      approvers: a.approvers,
      approvals: a.approvals,
      ...(a.requests.length > 0 ? { requests: a.requests } : {}),
      ...(a.allowSelfApproval ? { allowSelfApproval: true } : {}),
      ...(a.maxDuration !== undefined ? { maxDuration: a.maxDuration } : {}),
    };
  }
  if (s.when) return { level: "conditions", when: s.when };
  if (s.users) return { level: "users", users: s.users.map((u) => ({ user: u.user, expiresAt: u.expiresAt })) };
  return undefined;
}

const INVENTORY_KINDS = ["users", "groups", "dataSources", "sharedRoles", "domains"] as const;
const INVENTORY_ITEMS = { users: User, groups: Group, dataSources: DataSource, sharedRoles: SharedRole, domains: Domain } as const;
const INVENTORY_WHAT = {
  users: "a user",
  groups: "a group",
  dataSources: "a data source",
  sharedRoles: "a shared role",
  domains: "a domain",
} as const;

/** An inventory file's outline: which lists it holds; the items are checked one by one. */
const InventoryShell = z.strictObject({
  $schema: z.string().optional(),
  users: z.array(z.unknown()).optional(),
  groups: z.array(z.unknown()).optional(),
  dataSources: z.array(z.unknown()).optional(),
  sharedRoles: z.array(z.unknown()).optional(),
  domains: z.array(z.unknown()).optional(),
});

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const idOf = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

/** Records what can be read of an item left out, so that issues it alone causes are not reported. */
function noteRejected(rejected: Rejected, kind: (typeof INVENTORY_KINDS)[number], raw: unknown, idText: () => string | undefined): void {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return;
  const r = raw as Record<string, unknown>;
  // An id YAML read as a number (`id: 007`) is referred to as written (`"007"`).
  const id = typeof r.id === "number" ? (idText() ?? String(r.id)) : idOf(r.id);
  if (kind === "users" && id !== undefined) {
    const attributes: Record<string, string[]> = {};
    if (r.attributes && typeof r.attributes === "object" && !Array.isArray(r.attributes)) {
      for (const [k, vals] of Object.entries(r.attributes)) attributes[k] = typeof vals === "string" ? [vals] : strings(vals);
    }
    rejected.users.set(id, { groups: strings(r.groups), attributes });
  } else if (kind === "groups" && id !== undefined) rejected.groups.add(id);
  else if (kind === "dataSources") {
    rejected.dataSources.push({
      ...(id !== undefined ? { id } : {}),
      tags: strings(r.tags),
      ...(typeof r.platform === "string" ? { platform: r.platform } : {}),
    });
  }
}

/** Validates and normalises an estate from in-memory sources (files from disk or from git). */
export function parseEstate(sources: EstateSources): LoadResult {
  const issues: Issue[] = [];
  const index = new SourceIndex();
  const policies: Policy[] = [];
  const policyOrigin = new Map<Policy, { file: string; path: (string | number)[] }>();

  for (const src of sources.policies) {
    const docs = parseYaml(src, index, issues);
    docs.forEach((d, di) => {
      const docBase: (string | number)[] = docs.length > 1 ? [di] : [];
      const v = d.value as Record<string, unknown>;
      const entries: [unknown, (string | number)[]][] =
        v && typeof v === "object" && !Array.isArray(v) && "policies" in v
          ? Array.isArray(v.policies)
            ? v.policies.map((p, i) => [p, [...docBase, "policies", i]])
            : []
          : [[v, docBase]];
      if (v && typeof v === "object" && "policies" in v && !Array.isArray(v.policies)) {
        issues.push(
          ...fromZod(
            PolicyInput.array().safeParse(v.policies).error!,
            v.policies,
            d.file,
            [...docBase, "policies"],
            index.locate,
            "a policy file",
          ),
        );
      }
      for (const [raw, p] of entries) {
        const r = PolicyInput.safeParse(raw);
        if (!r.success) {
          append(issues, fromZod(r.error, raw, d.file, p, index.locate, "a policy", index.source));
          continue;
        }
        const { subscribers, $schema: _s, ...rest } = r.data;
        const levels = (["anyone", "approval", "when", "users"] as const).filter((k) => subscribers[k] !== undefined);
        // Located only for an issue: a valid policy never needs its line.
        const where = () => {
          const line = index.locate(d.file, [...p, "subscribers"]);
          return { file: d.file, ...(line !== undefined ? { line } : {}), path: dottedPath([...p, "subscribers"]) };
        };
        if (levels.length === 0) {
          issues.push({
            severity: "error",
            code: "restriction-missing",
            message: `policy \`${rest.name}\` names no restriction level`,
            ...where(),
            help: "set exactly one of `anyone: true`, `approval`, `when` or `users` under `subscribers`",
          });
          continue;
        }
        if (levels.length > 1) {
          issues.push({
            severity: "error",
            code: "restriction-conflict",
            message: `policy \`${rest.name}\` sets ${levels.length} restriction levels: ${levels.map((l) => `\`${l}\``).join(", ")}`,
            ...where(),
            help: "keep exactly one restriction level; write a second policy for another audience (grants combine with OR)",
          });
          continue;
        }
        const policy: Policy = { ...rest, restriction: normaliseRestriction(subscribers)!, file: d.file };
        policies.push(policy);
        policyOrigin.set(policy, { file: d.file, path: p });
      }
    });
  }

  const inventory: Inventory = { users: [], groups: [], dataSources: [], sharedRoles: [] };
  const invOrigin = new Map<object, { file: string; path: (string | number)[] }>();
  const rejected = emptyRejected();
  for (const src of sources.inventory) {
    const docs = parseYaml(src, index, issues);
    docs.forEach((d, di) => {
      const docBase: (string | number)[] = docs.length > 1 ? [di] : [];
      const v = d.value;
      // The file's shape first (a mapping of lists), then each item on its own: a bad item is
      // reported and left out, and the rest of the file still loads.
      const shell = InventoryShell.safeParse(v);
      if (!shell.success) append(issues, fromZod(shell.error, v, d.file, docBase, index.locate, "an inventory file", index.source));
      if (!v || typeof v !== "object" || Array.isArray(v)) return;
      for (const k of INVENTORY_KINDS) {
        const list = (v as Record<string, unknown>)[k];
        if (!Array.isArray(list)) continue;
        list.forEach((raw, i) => {
          const p = [...docBase, k, i];
          const r = INVENTORY_ITEMS[k].safeParse(raw);
          if (!r.success) {
            append(issues, fromZod(r.error, raw, d.file, p, index.locate, INVENTORY_WHAT[k], index.source));
            noteRejected(rejected, k, raw, () => index.source(d.file, [...p, "id"]));
            return;
          }
          // Domains are listed only when some file declares one, so estates without any are unchanged.
          if (k === "domains") (inventory.domains ??= []).push(r.data as Domain);
          else (inventory[k] as object[]).push(r.data);
          invOrigin.set(r.data, { file: d.file, path: p });
        });
      }
    });
  }

  let config: Config = Config.parse({});
  // The sections of a configuration that are valid on their own: one bad section is reported, and
  // the others keep their values, so checks of them report nothing that is not wrong.
  const validSections = (value: unknown): Config => {
    const ok: Record<string, unknown> = {};
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) if (ProjectFile.safeParse({ [k]: v }).success) ok[k] = v;
    const r = ProjectFile.safeParse(ok);
    if (!r.success) return Config.parse({});
    const { policies: _p, inventory: _i, config: _c, ...rest } = r.data;
    return rest;
  };
  let inventoryEntry: unknown;
  if (sources.config) {
    const docs = parseYaml(sources.config, index, issues);
    const d = docs[0];
    if (d) {
      // A project file is also a configuration file: its path keys are read by the CLI, not here.
      const r = ProjectFile.safeParse(d.value);
      if (r.success) {
        const { policies: _p, inventory: _i, config: _c, ...rest } = r.data;
        config = rest;
        inventoryEntry = _i;
      } else {
        append(issues, fromZod(r.error, d.value, d.file, [], index.locate, "the configuration", index.source));
        config = validSections(d.value);
      }
    }
  }

  append(issues, mergePulledInventory(inventory, invOrigin, index.locate, newTagsOf(inventoryEntry)));

  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  inventory.users.sort(byId);
  inventory.groups.sort(byId);
  inventory.dataSources.sort(byId);
  inventory.sharedRoles.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  inventory.domains?.sort(byId);

  const userOrigin = new Map<string, { file: string; path: (string | number)[] }>();
  for (const u of inventory.users) if (!userOrigin.has(u.id)) userOrigin.set(u.id, invOrigin.get(u)!);
  const groupOrigin = new Map<string, { file: string; path: (string | number)[] }>();
  for (const g of inventory.groups) if (!groupOrigin.has(g.id)) groupOrigin.set(g.id, invOrigin.get(g)!);
  const at = (o: { file: string; path: (string | number)[] } | undefined) => {
    if (!o) return undefined;
    const line = index.locate(o.file, o.path);
    return { file: o.file, path: dottedPath(o.path), ...(line !== undefined ? { line } : {}) };
  };
  const estate: Estate = { policies, inventory, config };
  // Where things were written is not part of the estate's value: non-enumerable, so estates compare,
  // spread and serialise as before. Lines are looked up only when an issue needs one, so valid files
  // are never parsed twice.
  const origins: EstateOrigins = {
    user: (id) => at(userOrigin.get(id)),
    group: (id) => at(groupOrigin.get(id)),
  };
  Object.defineProperty(estate, "origins", { value: origins, enumerable: false });
  issues.push(
    ...validateEstate(
      estate,
      {
        policy: (p, sub) => {
          const o = policyOrigin.get(p);
          return o ? { file: o.file, path: [...o.path, ...sub] } : undefined;
        },
        item: (x, sub) => {
          const o = invOrigin.get(x);
          return o ? { file: o.file, path: [...o.path, ...sub] } : undefined;
        },
        config: (sub) => (sources.config ? { file: sources.config.path, path: sub } : undefined),
        locate: index.locate,
      },
      rejected,
    ),
  );
  return { estate: issues.some((i) => i.severity === "error") ? undefined : estate, issues: sortIssues(issues) };
}
