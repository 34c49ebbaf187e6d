/**
 * The sources of a project file (`inventory.sources`), read and checked: every problem an issue at its line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument, isMap, isSeq, LineCounter } from "yaml";
import { dottedPath, type Issue, type IssueCode } from "../model/issues";
import { InventorySource } from "../model/schema";
import { configProblems } from "./credentials";
import { connectorOf } from "./index";
import { scopeProblems } from "./scope";
import type { Connector } from "./types";
import { LOCATION_RULE_KEYS } from "./pull-rules";

/** The keys of a source entry the pull stage owns; the rest belong to the connector. */

export const OWNED_KEYS = [
  "name",
  "kind",
  "include",
  "exclude",
  "tags",
  "newTag",
  "dataSourceId",
  "attributes",
  "identities",
  "userId",
  "groupIdentities",
  "grants",
] as const;

/** A source entry's keys that belong to its connector (every key but the pull stage's own). */
export const connectorKeys = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !(OWNED_KEYS as readonly string[]).includes(k)));

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

/** A place in the project file: an error at path `p` (from the document's root), with its line. */
export type At = (p: (string | number)[], code: IssueCode, message: string, help?: string) => Issue;

/** One entry of `inventory.sources` of the source shape: as written (`item`), parsed, and its index. */
export interface ParsedEntry {
  entry: InventorySource;
  item: Record<string, unknown>;
  index: number;
}

/** The entries of `inventory.sources` of the source shape, and every problem found, in file order. */
export interface SourceEntries {
  entries: ParsedEntry[];
  issues: Issue[];
}

/**
 * Reads `inventory.sources` of a project file and checks each entry's shape and that names are
 * unique; `check` adds the problems of each valid entry, so that issues stay in file order.
 */
export function sourceEntries(projectFile: string, cwd = process.cwd(), check?: (e: ParsedEntry, at: At) => Issue[]): SourceEntries {
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
  const at: At = (p, code, message, help) => {
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
  const out: SourceEntries = { entries: [], issues };
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
      // Named by the source and the key, as the connector's own keys are (an unknown key names itself).
      const name = (item as { name?: unknown } | null)?.name;
      const source = typeof name === "string" ? `source \`${name}\`: ` : "";
      for (const p of configProblems(r.error)) {
        const key = p.path.length > 0 && !p.message.startsWith("unknown key") ? `\`${p.path.join(".")}\` ` : "";
        issues.push(at([...base, ...p.path], "source-invalid", `${source}${key}${p.message}`, p.help));
      }
      return;
    }
    const entry = r.data;
    if (names.has(entry.name)) {
      issues.push(at([...base, "name"], "duplicate-source", `source \`${entry.name}\` is declared twice`, "give each source its own name"));
      return;
    }
    names.add(entry.name);
    const e = { entry, item: item as Record<string, unknown>, index };
    out.entries.push(e);
    if (check) issues.push(...check(e, at));
  });
  return out;
}

/** Reads `inventory.sources` of a project file and checks every entry (shape, kind, scope, connector keys). */
export function readSources(projectFile: string, inventoryDir: string, cwd = process.cwd()): ProjectSources {
  const sources: PlannedSource[] = [];
  const { issues } = sourceEntries(projectFile, cwd, ({ entry, item, index }, at) => {
    const base = ["inventory", "sources", index];
    const found: Issue[] = [];
    const connector = connectorOf(entry.kind);
    if (!connector)
      return [
        at(
          [...base, "kind"],
          "unknown-source-kind",
          `source \`${entry.name}\` has the unknown kind \`${entry.kind}\``,
          "see docs/connectors.md for the kinds",
        ),
      ];
    for (const k of ["include", "exclude"] as const)
      for (const p of scopeProblems(entry[k] ?? []))
        found.push(at([...base, k, p.index], "scope-pattern-invalid", p.message, "see the scope syntax in docs/connectors.md"));
    (entry.tags ?? []).forEach((rule, i) => {
      if (rule.label === undefined && !LOCATION_RULE_KEYS.some((k) => rule[k] !== undefined))
        found.push(
          at(
            [...base, "tags", i],
            "tag-rule-empty",
            "a tag rule must name a `label` or a location part (`schema`, `table`...)",
            'e.g. `{ label: PII, value: "TRUE", tag: pii }` or `{ schema: finance, tag: finance }`',
          ),
        );
    });
    const c = connector.configSchema.safeParse(connectorKeys(item));
    if (!c.success)
      return [
        ...found,
        ...configProblems(c.error).map((p) =>
          at(
            [...base, ...p.path],
            "source-invalid",
            `source \`${entry.name}\`: \`${String(p.path[p.path.length - 1] ?? entry.kind)}\` ${p.message}`,
            p.help,
          ),
        ),
      ];
    if (found.length === 0) sources.push({ entry, connector, config: c.data, index });
    return found;
  });
  return { file: projectFile, inventory: inventoryDir, sources, issues };
}
