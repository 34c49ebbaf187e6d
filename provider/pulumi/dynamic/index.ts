/**
 * Dynamic resources for the platforms without a usable Pulumi provider. Exported names
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
export { ViewEntitlementStore } from "./view-store";
export type { ViewEntitlementStoreOutputs } from "./view-store";
export { ManagedView } from "./managed-view";
export type { ManagedViewOutputs } from "./managed-view";
export { PolicyEntitlements } from "./policy-entitlements";
export type { PolicyEntitlementsOutputs } from "./policy-entitlements";
export type { WrappedInputs } from "./base";
export { TrinoRoleGrants } from "./trino-roles";
export type { TrinoRoleGrantsArgs, TrinoRoleGrantsOutputs } from "./trino-roles";
export { TrinoAccessRules } from "./trino-rules";
export type { TrinoAccessRulesOutputs } from "./trino-rules";
export { SparkTableGrants } from "./spark";
export type { SparkTableGrantsOutputs } from "./spark";
export {
  ManagedViewInputsSchema,
  PolicyEntitlementsInputsSchema,
  SparkTableGrantsInputsSchema,
  TrinoAccessRulesInputsSchema,
  TrinoRoleGrantsInputsSchema,
  TrinoRulesDocumentSchema,
  ViewEntitlementStoreInputsSchema,
} from "./input-schemas";
export type { ManagedViewInputs, PolicyEntitlementsInputs, SparkTableGrantsInputs, ViewEntitlementStoreInputs } from "./schemas";
export type { TrinoAccessRulesInputs, TrinoRoleGrantsInputs } from "./trino-schemas";
export { ProviderError } from "./errors";
export type { FailureKind } from "./errors";
export { SETTINGS } from "./connection";
