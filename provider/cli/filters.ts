/**
 * The filter flags of `plan`, `diff` and `report`: one per dimension of `plan/filter.ts`, each
 * repeatable and taking glob patterns. A pattern that matches nothing is a usage error naming the
 * closest names.
 */
import type { Command } from "commander";
import { compileFilter, describeFilter, DIMENSIONS, FilterError, type FilterSpec, type PlanContext, type PlanFilter } from "../plan/filter";
import { usage } from "./context";

/** The options commander parses from the filter flags (`--data-source` as `dataSource`...). */
export type FilterFlags = { user?: string[]; dataSource?: string[]; policy?: string[]; platform?: string[]; tag?: string[] };

/** The option name commander gives a flag: `--data-source` is `dataSource`. */
const attribute = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof FilterFlags;

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Adds `--user`, `--data-source`, `--policy`, `--platform` and `--tag`, each repeatable. */
export function filterOptions(cmd: Command): Command {
  for (const d of DIMENSIONS) cmd.option(`${d.flag} <pattern>`, `only this ${d.noun} (repeatable; globs: * and ?)`, collect);
  return cmd;
}

/** The filter flags given, as a spec. */
export function filterSpec(o: FilterFlags): FilterSpec {
  const spec: FilterSpec = {};
  for (const d of DIMENSIONS) {
    const v = o[attribute(d.flag)];
    if (v && v.length) spec[d.key] = v;
  }
  return spec;
}

/** Compiles the flags against the estate; a pattern matching nothing is a usage error. */
export function compileOrUsage(spec: FilterSpec, ctx: PlanContext): PlanFilter {
  try {
    return compileFilter(spec, ctx);
  } catch (e) {
    if (e instanceof FilterError) usage(e.message);
    throw e;
  }
}

/** The filters as one line, for headings (`--user alice --platform s3`); empty without any. */
export const filterLine = (spec: FilterSpec) => describeFilter(spec);

/** The union of two estates' contexts: a diff's patterns may name what only one side has. */
export function unionContext(a: PlanContext, b: PlanContext): PlanContext {
  const ds = new Map([...a.dataSources, ...b.dataSources].map((d) => [d.id, d]));
  const ps = new Map([...a.policies, ...b.policies].map((p) => [p.name, p]));
  return { users: [...new Set([...a.users, ...b.users])], dataSources: [...ds.values()], policies: [...ps.values()] };
}
