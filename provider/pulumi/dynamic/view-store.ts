/**
 * `ViewEntitlementStore`: the managed schema and entitlements store of one Redshift/Synapse
 * database (estate scope), inputs `{ dialect, database, managedSchema, schemaOwner }` (zod schema
 * in schemas.ts). Give `ManagedView` and `PolicyEntitlements` a `dependsOn` on the store, so the
 * store is created first and deleted last. Outputs repeat the inputs plus drift flags that `read`
 * sets from the live database; a false flag makes the next `pulumi up` repair the object.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ViewDialect, createStoreStatements, dropStoreStatements, readQueries } from "../../platforms/sql/views";
import { dynamicResource } from "./resource";
import { type Props, resourceId } from "./base";
import type { SqlSession } from "./connection";
import {
  type ViewEntitlementStoreInputs,
  viewEntitlementStoreInputsSchema,
  checkInputs,
  diffInputs,
  parseInputs,
  parseState,
} from "./schemas";
import { viewDialectTraits } from "./view-dialects";
import { ViewProvider, apply } from "./view-provider";

/** Outputs of `ViewEntitlementStore`: the inputs plus what `read` found live. */
export interface ViewEntitlementStoreOutputs extends ViewEntitlementStoreInputs {
  /** accessplane created the schema, so deleting the store may drop it (only if then empty). */
  schemaCreated: boolean;
  /** memberships, policy_objects and the entitlements view all exist. */
  storePresent: boolean;
  /** PUBLIC may use the schema (postgres/redshift; always true on synapse, which has no such grant). */
  publicUsage: boolean;
  /** Synapse: the schema is owned by `schemaOwner` (always true elsewhere, or without an owner). */
  schemaOwnerCurrent: boolean;
}

const STORE_KEYS = ["dialect", "database", "managedSchema", "schemaOwner"] as const;

/** CRUD for the entitlements store of one connection. */
export class ViewEntitlementStoreProvider extends ViewProvider implements pulumi.dynamic.ResourceProvider {
  /** Validates inputs with `viewEntitlementStoreInputsSchema()`. */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(viewEntitlementStoreInputsSchema(), news);
  }

  /** Replaces on a new dialect, database or schema; a new owner updates in place; repairs drift. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news, {
      keys: STORE_KEYS,
      identity: ["dialect", "database", "managedSchema"],
      drift: ["storePresent", "publicUsage", "schemaOwnerCurrent"],
    });
  }

  /** Creates the schema (if missing), tables, view and the PUBLIC usage grant. */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(viewEntitlementStoreInputsSchema(), inputs);
    const outs = await this.converge(i, undefined);
    return { id: resourceId([i.dialect, i.database, i.managedSchema]), outs };
  }

  /** Reads which store objects exist and who owns the schema, so `pulumi refresh` shows drift. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(viewEntitlementStoreInputsSchema(), props, STORE_KEYS);
    const c = this.connection(i.dialect, i.database);
    const live = await this.session(c, "read the entitlements store in schema", i.managedSchema, (s) => readStore(s, i));
    const outs: ViewEntitlementStoreOutputs = { ...i, schemaCreated: props.schemaCreated === true, ...live };
    return { id, props: outs };
  }

  /** Re-applies the idempotent store statements (the only possible change is repairing drift). */
  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const i = parseInputs(viewEntitlementStoreInputsSchema(), news);
    return { outs: await this.converge(i, olds.schemaCreated === true) };
  }

  /** Drops the store objects; the schema only if accessplane created it and it is empty. */
  async delete(_id: string, props: Props): Promise<void> {
    const i = parseState(viewEntitlementStoreInputsSchema(), props, STORE_KEYS);
    const c = this.connection(i.dialect, i.database);
    await this.session(c, "delete the entitlements store in schema", i.managedSchema, async (s) => {
      const statements = dropStoreStatements(i.dialect, i.managedSchema, props.schemaCreated === true);
      const dropsSchema = props.schemaCreated === true && viewDialectTraits(i.dialect).schemaDropRestricts;
      await apply(s, i.dialect, dropsSchema ? statements.slice(0, -1) : statements, true);
      if (dropsSchema) {
        try {
          await s.query(statements[statements.length - 1]!);
        } catch (e) {
          // 2BP01: objects accessplane does not manage remain in the schema, so it stays.
          if ((e as { code?: unknown }).code !== "2BP01") throw e;
        }
      }
    });
  }

  private async converge(i: ViewEntitlementStoreInputs, schemaCreated: boolean | undefined): Promise<ViewEntitlementStoreOutputs> {
    const c = this.connection(i.dialect, i.database);
    return this.session(c, "create the entitlements store in schema", i.managedSchema, async (s) => {
      const existed = (await s.query(readQueries.schemaExists(i.dialect, i.managedSchema))).length > 0;
      await apply(s, i.dialect, createStoreStatements(i.dialect, i.managedSchema, i.schemaOwner), true);
      return { ...i, schemaCreated: schemaCreated ?? !existed, storePresent: true, publicUsage: true, schemaOwnerCurrent: true };
    });
  }
}

async function readStore(
  s: SqlSession,
  i: ViewEntitlementStoreInputs,
): Promise<{ storePresent: boolean; publicUsage: boolean; schemaOwnerCurrent: boolean }> {
  const rels = await s.query(readQueries.relations(i.dialect, i.managedSchema));
  const has = (name: string, kind: string) => rels.some((r) => r.name === name && r.kind === kind);
  const storePresent = has("memberships", "table") && has("policy_objects", "table") && has("entitlements", "view");
  const traits = viewDialectTraits(i.dialect);
  let schemaOwnerCurrent = true;
  if (traits.ownershipChaining) {
    const owner = (await s.query(readQueries.schemaOwner(i.managedSchema)))[0]?.owner;
    schemaOwnerCurrent = i.schemaOwner === null || (typeof owner === "string" && owner.toLowerCase() === i.schemaOwner.toLowerCase());
  }
  let publicUsage = true;
  if (traits.schemaUsageGrant) {
    const d = i.dialect as Exclude<ViewDialect, "synapse">;
    const schemaExists = (await s.query(readQueries.schemaExists(d, i.managedSchema))).length > 0;
    publicUsage = schemaExists && (await s.query(readQueries.publicUsage(d, i.managedSchema))).length > 0;
  }
  return { storePresent, publicUsage, schemaOwnerCurrent };
}

const storeProvider = new ViewEntitlementStoreProvider();

/** The managed schema and entitlements store of one Redshift/Synapse database (estate scope). */
export class ViewEntitlementStore extends dynamicResource<ViewEntitlementStoreInputs, ViewEntitlementStoreOutputs>(
  storeProvider,
  "ViewEntitlementStore",
  ["schemaCreated", "storePresent", "publicUsage", "schemaOwnerCurrent"],
) {}
