/**
 * The dynamic resources' input schemas, built once, for program-side code (types, validating in
 * tests and tools); exported by index.ts. Provider code never imports this module (a lint rule
 * enforces it): it calls the builders in schemas.ts and trino-schemas.ts that these constants come from.
 */
import {
  managedViewInputsSchema,
  policyEntitlementsInputsSchema,
  sparkTableGrantsInputsSchema,
  viewEntitlementStoreInputsSchema,
} from "./schemas";
import { trinoAccessRulesInputsSchema, trinoRoleGrantsInputsSchema, trinoRulesDocumentSchema } from "./trino-schemas";

/** Inputs of `ViewEntitlementStore`: the managed schema of one Redshift/Synapse connection. */
export const ViewEntitlementStoreInputsSchema = viewEntitlementStoreInputsSchema();

/** Inputs of `ManagedView`: one secure view over one data source. */
export const ManagedViewInputsSchema = managedViewInputsSchema();

/** Inputs of `PolicyEntitlements`: the entitlement rows of one policy principal. */
export const PolicyEntitlementsInputsSchema = policyEntitlementsInputsSchema();

/** Inputs of `TrinoRoleGrants`: one policy role in SQL mode, its table grants and its members. */
export const TrinoRoleGrantsInputsSchema = trinoRoleGrantsInputsSchema();

/** Inputs of `TrinoAccessRules`: the rules document and where the coordinator reads it. */
export const TrinoAccessRulesInputsSchema = trinoAccessRulesInputsSchema();

/**
 * The catalog, schema and table sections of a system-level `rules.json` (Trino docs, "File-based
 * access control"); sections accessplane does not write are refused.
 */
export const TrinoRulesDocumentSchema = trinoRulesDocumentSchema();

/** Inputs of `SparkTableGrants`: one Databricks Spark policy group's table ACLs. */
export const SparkTableGrantsInputsSchema = sparkTableGrantsInputsSchema();
