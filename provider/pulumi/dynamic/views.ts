/**
 * Dynamic resources of the view-based platforms (Redshift, Azure Synapse; PostgreSQL for tests).
 *
 * | resource               | scope            | inputs (zod schema in schemas.ts)                                   |
 * |------------------------|------------------|---------------------------------------------------------------------|
 * | `ViewEntitlementStore` | estate, per database   | `{ dialect, database, managedSchema, schemaOwner }`            |
 * | `ManagedView`          | one per data source    | `{ dialect, managedSchema, dataSource, source: { database, schema, table }, viewName }` |
 * | `PolicyEntitlements`   | one per policy principal and database | `{ dialect, database, managedSchema, policyKey, members[], dataSources[] }` |
 *
 * Every object lives in its source's database, reached through that database's connection
 * (connection.ts); a view's store is the one of `source.database`.
 *
 * Give `ManagedView` and `PolicyEntitlements` a `dependsOn` on the store, so the store is created
 * first and deleted last. Outputs repeat the inputs plus drift flags that `read` sets from the live
 * database; a false flag makes the next `pulumi up` repair the object. Credentials: connection.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type PolicyRows,
  type ViewDialect,
  createStoreStatements,
  createViewStatements,
  ownershipChainProblem,
  dropStoreStatements,
  dropViewStatements,
  entitlementDeltaStatements,
  readQueries,
  synapseViewDefinition,
  viewMarker,
  viewMarkerStatement,
} from "../../platforms/sql/views";
import { type ConfigSnapshot, type Row, type SqlSession, snapshotConfig, viewConnection, withSession } from "./connection";
import { ProviderError, classify, providerError } from "./errors";
import {
  type ManagedViewInputs,
  managedViewInputsSchema,
  type PolicyEntitlementsInputs,
  policyEntitlementsInputsSchema,
  type ViewEntitlementStoreInputs,
  viewEntitlementStoreInputsSchema,
  checkInputs,
  diffInputs,
  parseInputs,
  parseState,
} from "./schemas";

type Props = Record<string, unknown>;

/** Every input of a dynamic resource may be an Output. */
export type WrappedInputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

// Pulumi IDs must be unique and stable; JSON keeps hostile names unambiguous.
function resourceId(parts: readonly string[]): string {
  return JSON.stringify(parts);
}

async function runAll(query: (sql: string) => Promise<Row[]>, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await query(sql);
}

/**
 * Applies statements atomically where the dialect allows: PostgreSQL and Redshift run DDL and DML
 * in one transaction; Synapse dedicated pools refuse most DDL inside user transactions, so their
 * DDL runs statement by statement (each one idempotent, so a re-run converges).
 */
async function apply(s: SqlSession, d: ViewDialect, statements: readonly string[], ddl: boolean): Promise<void> {
  if (d === "synapse" && ddl) return runAll(s.query, statements);
  await s.transaction((q) => runAll(q, statements));
}

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
export class ViewEntitlementStoreProvider implements pulumi.dynamic.ResourceProvider {
  private config: ConfigSnapshot | undefined;

  /** Captures the stack config (credentials stay in the provider process, never in state). */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = snapshotConfig(req.config);
  }

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
    const c = viewConnection(i.dialect, this.config, i.database);
    const live = await withSession(
      c,
      (e) => providerError(i.dialect, "read the entitlements store in schema", i.managedSchema, e, c.secrets),
      (s) => readStore(s, i),
    );
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
    const c = viewConnection(i.dialect, this.config, i.database);
    await withSession(
      c,
      (e) => providerError(i.dialect, "delete the entitlements store in schema", i.managedSchema, e, c.secrets),
      async (s) => {
        const statements = dropStoreStatements(i.dialect, i.managedSchema, props.schemaCreated === true);
        const dropsSchema = props.schemaCreated === true && i.dialect !== "synapse";
        await apply(s, i.dialect, dropsSchema ? statements.slice(0, -1) : statements, true);
        if (dropsSchema) {
          try {
            await s.query(statements[statements.length - 1]!);
          } catch (e) {
            // 2BP01: objects accessplane does not manage remain in the schema, so it stays.
            if ((e as { code?: unknown }).code !== "2BP01") throw e;
          }
        }
      },
    );
  }

  private async converge(i: ViewEntitlementStoreInputs, schemaCreated: boolean | undefined): Promise<ViewEntitlementStoreOutputs> {
    const c = viewConnection(i.dialect, this.config, i.database);
    return withSession(
      c,
      (e) => providerError(i.dialect, "create the entitlements store in schema", i.managedSchema, e, c.secrets),
      async (s) => {
        const existed = (await s.query(readQueries.schemaExists(i.dialect, i.managedSchema))).length > 0;
        await apply(s, i.dialect, createStoreStatements(i.dialect, i.managedSchema, i.schemaOwner), true);
        return { ...i, schemaCreated: schemaCreated ?? !existed, storePresent: true, publicUsage: true, schemaOwnerCurrent: true };
      },
    );
  }
}

async function readStore(
  s: SqlSession,
  i: ViewEntitlementStoreInputs,
): Promise<{ storePresent: boolean; publicUsage: boolean; schemaOwnerCurrent: boolean }> {
  const rels = await s.query(readQueries.relations(i.dialect, i.managedSchema));
  const has = (name: string, kind: string) => rels.some((r) => r.name === name && r.kind === kind);
  const storePresent = has("memberships", "table") && has("policy_objects", "table") && has("entitlements", "view");
  if (i.dialect === "synapse") {
    const owner = (await s.query(readQueries.schemaOwner(i.managedSchema)))[0]?.owner;
    const schemaOwnerCurrent = i.schemaOwner === null || (typeof owner === "string" && owner.toLowerCase() === i.schemaOwner.toLowerCase());
    return { storePresent, publicUsage: true, schemaOwnerCurrent };
  }
  const schemaExists = (await s.query(readQueries.schemaExists(i.dialect, i.managedSchema))).length > 0;
  const publicUsage = schemaExists && (await s.query(readQueries.publicUsage(i.dialect, i.managedSchema))).length > 0;
  return { storePresent, publicUsage, schemaOwnerCurrent: true };
}

/** Outputs of `ManagedView`: the inputs plus what `read` found live. */
export interface ManagedViewOutputs extends ManagedViewInputs {
  /** The view exists. */
  viewPresent: boolean;
  /** The live definition is the one accessplane generates for these inputs. */
  definitionCurrent: boolean;
  /** PUBLIC holds SELECT on the view. */
  publicSelect: boolean;
  /** Synapse: the view and its source share an owner, so the view can read it (always true elsewhere). */
  ownershipChained: boolean;
}

const VIEW_KEYS = ["dialect", "managedSchema", "dataSource", "source", "viewName"] as const;

/** CRUD for one managed view. */
export class ManagedViewProvider implements pulumi.dynamic.ResourceProvider {
  private config: ConfigSnapshot | undefined;

  /** Captures the stack config. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = snapshotConfig(req.config);
  }

  /** Validates inputs with `managedViewInputsSchema()`. */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(managedViewInputsSchema(), news);
  }

  /** Replaces on a new dialect, schema, view name or source database; updates in place otherwise; repairs drift. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const d = diffInputs(olds, news, {
      keys: VIEW_KEYS,
      identity: ["dialect", "managedSchema", "viewName"],
      drift: ["viewPresent", "definitionCurrent", "publicSelect", "ownershipChained"],
    });
    // The view lives in its source's database: a new database is a new object.
    const db = (p: Props) => (p.source as { database?: unknown } | undefined)?.database;
    if (db(olds) !== db(news) && !d.replaces.includes("source")) d.replaces.push("source");
    return d;
  }

  /** Creates the view and grants SELECT on it to PUBLIC. */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(managedViewInputsSchema(), inputs);
    await this.write(i, false);
    return { id: resourceId([i.dialect, i.source.database, i.managedSchema, i.viewName]), outs: fresh(i) };
  }

  /** Reads whether the view exists, carries the expected definition, and is granted to PUBLIC. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(managedViewInputsSchema(), props, VIEW_KEYS);
    const c = viewConnection(i.dialect, this.config, i.source.database, sourceLabel(i));
    const live = await withSession(
      c,
      (e) => providerError(i.dialect, "read managed view", `${i.managedSchema}.${i.viewName}`, e, c.secrets),
      async (s) => {
        const state = await s.query(readQueries.viewState(i.dialect, i.managedSchema, i.viewName));
        if (state.length === 0) return { viewPresent: false, definitionCurrent: false, publicSelect: false, ownershipChained: false };
        const text = String(state[0]!.v ?? "");
        const definitionCurrent =
          i.dialect === "synapse"
            ? squash(text) === squash(synapseViewDefinition(i))
            : text === viewMarker(i.dialect, i, String(state[0]!.def ?? ""));
        const publicSelect = (await s.query(readQueries.publicSelect(i.dialect, i.managedSchema, i.viewName))).length > 0;
        const ownershipChained = i.dialect !== "synapse" || (await chainProblem(s, i, [i.managedSchema, i.viewName])) === undefined;
        return { viewPresent: true, definitionCurrent, publicSelect, ownershipChained };
      },
    );
    const outs: ManagedViewOutputs = { ...i, ...live };
    return { id, props: outs };
  }

  /** Re-creates the view in place (source change, or drift repair); never touches entitlement rows. */
  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const i = parseInputs(managedViewInputsSchema(), news);
    const sourceChanged = JSON.stringify(olds.source) !== JSON.stringify(i.source);
    await this.write(i, sourceChanged);
    return { outs: fresh(i) };
  }

  /** Drops the view; its PUBLIC grant goes with it. */
  async delete(_id: string, props: Props): Promise<void> {
    const i = parseState(managedViewInputsSchema(), props, VIEW_KEYS);
    const c = viewConnection(i.dialect, this.config, i.source.database, sourceLabel(i));
    await withSession(
      c,
      (e) => providerError(i.dialect, "delete managed view", `${i.managedSchema}.${i.viewName}`, e, c.secrets),
      (s) => apply(s, i.dialect, dropViewStatements(i.dialect, i.managedSchema, i.viewName), true),
    );
  }

  private async write(i: ManagedViewInputs, replaceColumns: boolean): Promise<void> {
    const c = viewConnection(i.dialect, this.config, i.source.database, sourceLabel(i));
    // CREATE OR REPLACE cannot change a view's column list; a new source may, so drop first
    // (in the same transaction on postgres/redshift: readers never see the view missing).
    const statements = [
      ...(replaceColumns && i.dialect !== "synapse" ? dropViewStatements(i.dialect, i.managedSchema, i.viewName) : []),
      ...createViewStatements(i.dialect, i),
    ];
    const d = i.dialect;
    await withSession(
      c,
      (e) => providerError(d, "create managed view", `${i.managedSchema}.${i.viewName}`, e, c.secrets),
      async (s) => {
        if (d === "synapse") {
          // A view whose ownership chain breaks denies every reader: refuse it before creating it.
          const problem = await chainProblem(s, i, undefined);
          if (problem) {
            throw new ProviderError(
              `synapse: could not create managed view \`${i.managedSchema}.${i.viewName}\`: ${problem}; ` +
                `help: set \`viewBased.synapseSchemaOwner\` to the source's owner (the managed schema is created and kept AUTHORIZATION that owner), ` +
                `or make the source's schema owned by the managed schema's owner (ALTER AUTHORIZATION ON SCHEMA::... TO ...)`,
              "other",
            );
          }
          return apply(s, d, statements, true);
        }
        await s.transaction(async (q) => {
          await runAll(q, statements);
          const state = await q(readQueries.viewState(d, i.managedSchema, i.viewName));
          await q(viewMarkerStatement(d, i, String(state[0]?.def ?? "")));
        });
      },
    );
  }
}

// How errors name a view's source: the data source and its three-part name.
function sourceLabel(i: ManagedViewInputs): string {
  return `source \`${i.dataSource}\` (${[i.source.database, i.source.schema, i.source.table].join(".")})`;
}

function fresh(i: ManagedViewInputs): ManagedViewOutputs {
  return { ...i, viewPresent: true, definitionCurrent: true, publicSelect: true, ownershipChained: true };
}

/**
 * Synapse: why the view cannot reach its source through an ownership chain, if it cannot. The
 * view's owner is `view`'s effective owner when it exists, else the managed schema's (the owner a
 * view created there gets).
 */
async function chainProblem(s: SqlSession, i: ManagedViewInputs, view: readonly string[] | undefined): Promise<string | undefined> {
  const owner = async (sql: string) => {
    const v = (await s.query(sql))[0]?.owner;
    return typeof v === "string" ? v : undefined;
  };
  const sourceOwner = await owner(readQueries.objectOwner([i.source.database, i.source.schema, i.source.table]));
  const viewOwner = await owner(view ? readQueries.objectOwner(view) : readQueries.schemaOwner(i.managedSchema));
  return ownershipChainProblem(i, sourceOwner, viewOwner);
}

// Synapse keeps the CREATE VIEW text verbatim, but tools may re-wrap whitespace.
function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Outputs of `PolicyEntitlements`: the live rows of the policy (equal to the inputs after apply). */
export type PolicyEntitlementsOutputs = PolicyEntitlementsInputs;

const POLICY_KEYS = ["dialect", "database", "managedSchema", "policyKey", "members", "dataSources"] as const;

async function liveRows(q: (sql: string) => Promise<Row[]>, i: PolicyEntitlementsInputs): Promise<PolicyRows> {
  const values = (rows: Row[]) => rows.map((r) => String(r.v)).sort();
  return {
    policyKey: i.policyKey,
    members: values(await q(readQueries.members(i.dialect, i.managedSchema, i.policyKey))),
    dataSources: values(await q(readQueries.dataSources(i.dialect, i.managedSchema, i.policyKey))),
  };
}

/** CRUD for the entitlement rows of one policy principal. */
export class PolicyEntitlementsProvider implements pulumi.dynamic.ResourceProvider {
  private config: ConfigSnapshot | undefined;

  /** Captures the stack config. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = snapshotConfig(req.config);
  }

  /** Validates inputs with `policyEntitlementsInputsSchema()` (members and data sources sorted). */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(policyEntitlementsInputsSchema(), news);
  }

  /** Replaces on a new dialect, database, schema or policy key; member and data source changes update rows. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news, { keys: POLICY_KEYS, identity: ["dialect", "database", "managedSchema", "policyKey"] });
  }

  /** Inserts the policy's rows (converging with any rows an interrupted run left). */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(policyEntitlementsInputsSchema(), inputs);
    await this.converge(i, i, "create entitlements of policy");
    return { id: resourceId([i.dialect, i.database, i.managedSchema, i.policyKey]), outs: i };
  }

  /** Reads the live rows of this policy, so `pulumi refresh` shows rows changed by hand. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(policyEntitlementsInputsSchema(), props, POLICY_KEYS);
    const c = viewConnection(i.dialect, this.config, i.database);
    const live = await withSession(
      c,
      (e) => providerError(i.dialect, "read entitlements of policy", i.policyKey, e, c.secrets),
      async (s) => {
        try {
          return await liveRows(s.query, i);
        } catch (e) {
          // The store itself is gone: the policy has no rows, which the next update restores.
          if (classify(e).kind === "missing-object") return { policyKey: i.policyKey, members: [], dataSources: [] };
          throw e;
        }
      },
    );
    const outs: PolicyEntitlementsOutputs = { ...i, members: live.members, dataSources: live.dataSources };
    return { id, props: outs };
  }

  /** Applies only the row delta from the live rows to the inputs: inserts before deletes. */
  async update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const i = parseInputs(policyEntitlementsInputsSchema(), news);
    await this.converge(i, i, "update entitlements of policy");
    return { outs: i };
  }

  /** Deletes this policy's rows, and no other policy's. */
  async delete(_id: string, props: Props): Promise<void> {
    const i = parseState(policyEntitlementsInputsSchema(), props, POLICY_KEYS);
    await this.converge(i, null, "delete entitlements of policy");
  }

  private async converge(i: PolicyEntitlementsInputs, target: PolicyRows | null, action: string): Promise<void> {
    const c = viewConnection(i.dialect, this.config, i.database);
    await withSession(
      c,
      (e) => providerError(i.dialect, action, i.policyKey, e, c.secrets),
      (s) =>
        s.transaction(async (q) => {
          // The delta is computed from the rows as they are now, not from the last recorded state,
          // so a run interrupted midway (or rows edited by hand) converges on re-run.
          const live = await liveRows(q, i);
          await runAll(q, entitlementDeltaStatements(i.dialect, i.managedSchema, live, target));
        }),
    );
  }
}

const storeProvider = new ViewEntitlementStoreProvider();
const viewProvider = new ManagedViewProvider();
const entitlementsProvider = new PolicyEntitlementsProvider();

/** The managed schema and entitlements store of one Redshift/Synapse database (estate scope). */
export class ViewEntitlementStore extends pulumi.dynamic.Resource {
  declare readonly dialect: pulumi.Output<ViewDialect>;
  declare readonly database: pulumi.Output<string>;
  declare readonly managedSchema: pulumi.Output<string>;
  declare readonly schemaOwner: pulumi.Output<string | null>;
  declare readonly schemaCreated: pulumi.Output<boolean>;
  declare readonly storePresent: pulumi.Output<boolean>;
  declare readonly publicUsage: pulumi.Output<boolean>;
  declare readonly schemaOwnerCurrent: pulumi.Output<boolean>;

  constructor(name: string, args: WrappedInputs<ViewEntitlementStoreInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      storeProvider,
      name,
      { ...args, schemaCreated: undefined, storePresent: undefined, publicUsage: undefined, schemaOwnerCurrent: undefined },
      opts,
      "accessplane",
      "ViewEntitlementStore",
    );
  }
}

/** One secure view over one data source, granted to PUBLIC once. */
export class ManagedView extends pulumi.dynamic.Resource {
  declare readonly dialect: pulumi.Output<ViewDialect>;
  declare readonly managedSchema: pulumi.Output<string>;
  declare readonly viewName: pulumi.Output<string>;
  declare readonly dataSource: pulumi.Output<string>;
  declare readonly viewPresent: pulumi.Output<boolean>;
  declare readonly definitionCurrent: pulumi.Output<boolean>;
  declare readonly publicSelect: pulumi.Output<boolean>;
  declare readonly ownershipChained: pulumi.Output<boolean>;

  constructor(name: string, args: WrappedInputs<ManagedViewInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      viewProvider,
      name,
      { ...args, viewPresent: undefined, definitionCurrent: undefined, publicSelect: undefined, ownershipChained: undefined },
      opts,
      "accessplane",
      "ManagedView",
    );
  }
}

/** The entitlement rows of one policy principal in one database: its members and its data sources there. */
export class PolicyEntitlements extends pulumi.dynamic.Resource {
  declare readonly dialect: pulumi.Output<ViewDialect>;
  declare readonly database: pulumi.Output<string>;
  declare readonly managedSchema: pulumi.Output<string>;
  declare readonly policyKey: pulumi.Output<string>;
  declare readonly members: pulumi.Output<string[]>;
  declare readonly dataSources: pulumi.Output<string[]>;

  constructor(name: string, args: WrappedInputs<PolicyEntitlementsInputs>, opts?: pulumi.CustomResourceOptions) {
    super(entitlementsProvider, name, { ...args }, opts, "accessplane", "PolicyEntitlements");
  }
}
