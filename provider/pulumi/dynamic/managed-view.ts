/**
 * `ManagedView`: one secure view over one data source, granted to PUBLIC once; inputs `{ dialect,
 * managedSchema, dataSource, source: { database, schema, table }, viewName }` (zod schema in
 * schemas.ts). The view lives in its source's database, next to that database's store. Outputs
 * repeat the inputs plus drift flags that `read` sets from the live database.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type ViewDialect,
  createViewStatements,
  dropViewStatements,
  ownershipChainProblem,
  readQueries,
  synapseViewDefinition,
  viewMarker,
  viewMarkerStatement,
} from "../../platforms/sql/views";
import { type Props, type WrappedInputs, resourceId } from "./base";
import type { SqlSession } from "./connection";
import { ProviderError } from "./errors";
import { type ManagedViewInputs, managedViewInputsSchema, checkInputs, diffInputs, parseInputs, parseState } from "./schemas";
import { viewDialectTraits } from "./view-dialects";
import { ViewProvider, apply, runAll } from "./view-provider";

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
export class ManagedViewProvider extends ViewProvider implements pulumi.dynamic.ResourceProvider {
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
    const traits = viewDialectTraits(i.dialect);
    const c = this.connection(i.dialect, i.source.database, sourceLabel(i));
    const live = await this.session(c, "read managed view", `${i.managedSchema}.${i.viewName}`, async (s) => {
      const state = await s.query(readQueries.viewState(i.dialect, i.managedSchema, i.viewName));
      if (state.length === 0) return { viewPresent: false, definitionCurrent: false, publicSelect: false, ownershipChained: false };
      const text = String(state[0]!.v ?? "");
      const definitionCurrent =
        traits.viewDrift === "definition"
          ? squash(text) === squash(synapseViewDefinition(i))
          : text === viewMarker(i.dialect, i, String(state[0]!.def ?? ""));
      const publicSelect = (await s.query(readQueries.publicSelect(i.dialect, i.managedSchema, i.viewName))).length > 0;
      const ownershipChained = !traits.ownershipChaining || (await chainProblem(s, i, [i.managedSchema, i.viewName])) === undefined;
      return { viewPresent: true, definitionCurrent, publicSelect, ownershipChained };
    });
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
    const c = this.connection(i.dialect, i.source.database, sourceLabel(i));
    await this.session(c, "delete managed view", `${i.managedSchema}.${i.viewName}`, (s) =>
      apply(s, i.dialect, dropViewStatements(i.dialect, i.managedSchema, i.viewName), true),
    );
  }

  private async write(i: ManagedViewInputs, replaceColumns: boolean): Promise<void> {
    const d = i.dialect;
    const traits = viewDialectTraits(d);
    const c = this.connection(d, i.source.database, sourceLabel(i));
    // CREATE OR REPLACE cannot change a view's column list; a new source may, so drop first
    // (in the same transaction where DDL is transactional: readers never see the view missing).
    const statements = [
      ...(replaceColumns && traits.transactionalDdl ? dropViewStatements(d, i.managedSchema, i.viewName) : []),
      ...createViewStatements(d, i),
    ];
    await this.session(c, "create managed view", `${i.managedSchema}.${i.viewName}`, async (s) => {
      if (traits.ownershipChaining) {
        // A view whose ownership chain breaks denies every reader: refuse it before creating it.
        const problem = await chainProblem(s, i, undefined);
        if (problem) {
          throw new ProviderError(
            `${d}: could not create managed view \`${i.managedSchema}.${i.viewName}\`: ${problem}; ` +
              `help: set \`viewBased.synapseSchemaOwner\` to the source's owner (the managed schema is created and kept AUTHORIZATION that owner), ` +
              `or make the source's schema owned by the managed schema's owner (ALTER AUTHORIZATION ON SCHEMA::... TO ...)`,
            "other",
          );
        }
      }
      if (!traits.transactionalDdl) return apply(s, d, statements, true);
      await s.transaction(async (q) => {
        await runAll(q, statements);
        if (traits.viewDrift === "marker") {
          const state = await q(readQueries.viewState(d, i.managedSchema, i.viewName));
          // Only the marker dialects (postgres, redshift) reach here.
          await q(viewMarkerStatement(d as Exclude<ViewDialect, "synapse">, i, String(state[0]?.def ?? "")));
        }
      });
    });
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

const viewProvider = new ManagedViewProvider();

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
