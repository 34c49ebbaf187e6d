/**
 * Dynamic resources for the platforms without a usable Pulumi provider (ISSUE 5). Exported names
 * are stable: the Pulumi components instantiate these classes.
 *
 * - `ViewEntitlementStore` `{ dialect, database, managedSchema, schemaOwner }`: estate scope, per Redshift/Synapse database.
 * - `ManagedView` `{ dialect, managedSchema, dataSource, source: { database, schema, table }, viewName }`.
 * - `PolicyEntitlements` `{ dialect, database, managedSchema, policyKey, members[], dataSources[] }`.
 * - `TrinoRoleGrants` `{ role, roleCatalog?, members[], grants: { catalog, schema, table, privileges[] }[] }`.
 * - `TrinoAccessRules` `{ path, document }`, the document built by `trinoRulesDocument`.
 * - `SparkTableGrants` `{ principal, grants: { kind, catalog, schema, table, privileges[] }[] }`.
 *
 * `dialect` is `redshift`, `synapse`, or `postgres` (Redshift's test stand-in). Credentials come
 * from pulumi config or the environment (connection.ts), never from inputs.
 */
export { ManagedView, PolicyEntitlements, ViewEntitlementStore } from "./views";
export type { ManagedViewOutputs, PolicyEntitlementsOutputs, ViewEntitlementStoreOutputs, WrappedInputs } from "./views";
export { TrinoAccessRules, TrinoRoleGrants } from "./trino";
export type { TrinoAccessRulesOutputs, TrinoRoleGrantsArgs, TrinoRoleGrantsOutputs } from "./trino";
export { SparkTableGrants } from "./spark";
export type { SparkTableGrantsOutputs } from "./spark";
export type { SparkTableGrantsInputs } from "../../platforms/sql/spark";
export {
  ManagedViewInputsSchema,
  PolicyEntitlementsInputsSchema,
  SparkTableGrantsInputsSchema,
  TrinoAccessRulesInputsSchema,
  TrinoRoleGrantsInputsSchema,
  ViewEntitlementStoreInputsSchema,
} from "./input-schemas";
export type {
  ManagedViewInputs,
  PolicyEntitlementsInputs,
  TrinoAccessRulesInputs,
  TrinoRoleGrantsInputs,
  ViewEntitlementStoreInputs,
} from "./schemas";
export { ProviderError } from "./errors";
export type { FailureKind } from "./errors";
export { SETTINGS } from "./connection";
