/**
 * The unquoted names of a principal's grant, from its platform's adapter: the names the plan quotes
 * in `object` and `parents`, part by part, for providers that take names unquoted.
 */
import type { PrincipalGrant } from "../../plan/types";
import { adapterFor } from "../../platforms";
import type { TargetPath } from "../../platforms/types";
import type { EstateContext } from "../context";

/** The path of a grant's object and of each of its parents (in the order of `grant.parents`). */
export function grantPath(ctx: EstateContext, grant: PrincipalGrant): TargetPath {
  const ds = ctx.sources.get(grant.dataSource);
  if (!ds) throw new Error(`grant on \`${grant.dataSource}\`, which is not a data source of the estate`);
  return adapterFor(ds).path(ds as never, ctx.estate.config);
}
