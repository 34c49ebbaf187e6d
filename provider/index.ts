/**
 * accessplane: subscription policies as code. The pipeline, stage by stage: model (load and
 * validate), resolve (subscriptions), platforms (privilege tables), plan (grant plan, renderers),
 * pulumi (components).
 */
export * from "./model/schema";
export { loadEstate as loadEstateResult, readEstateSources } from "./model/read";
export { parseEstate } from "./model/load";
export type { Estate, EstatePaths, EstateSources, LoadResult } from "./model/estate";
export { findProject, loadEstate, ProjectError, PROJECT_FILE, type LoadedEstate } from "./project";
export { formatIssue, hasErrors, InputError, type Issue } from "./model/issues";
export { resolve, type Resolution, type Cohort } from "./resolve/resolve";
export { ADAPTERS, adapterFor } from "./platforms";
export { buildPlan } from "./plan/build";
export type { Plan, AccessEntry, Principal } from "./plan/types";
export * from "./pulumi";
