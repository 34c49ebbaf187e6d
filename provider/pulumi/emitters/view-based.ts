/**
 * Redshift and Azure Synapse, view-based, through accessplane's dynamic resources: for the estate,
 * one entitlement store per platform and database and one managed view per data source, in the
 * managed schema of its source's own database; inside its policy, one entitlements resource per
 * principal and database (its rows). Subscribing or revoking a user changes rows only, never views.
 * Count: per estate 1 store per database + 1 view per data source; per policy 1 entitlements
 * resource per principal and database.
 *
 * Why per database: Redshift creates objects only in the database a session is connected to and
 * cannot query a view of another database that reads a third
 * (https://docs.aws.amazon.com/redshift/latest/dg/cross-database_limitation.html); Synapse dedicated
 * SQL pools have no cross-database queries at all
 * (https://learn.microsoft.com/azure/synapse-analytics/sql/overview-features#query-language).
 */
import type { DataSourceOf } from "../../model/schema";
import type { Principal } from "../../plan/types";
import { ADAPTERS } from "../../platforms";
import { VIEW_DIALECTS } from "../../platforms/sql/dialect";
import { storedSource } from "../../platforms/view-based";
import { childName, memo, type PlatformEmitter, type Scope, track } from "../context";
import { ManagedView, PolicyEntitlements, ViewEntitlementStore } from "../dynamic";
import { grantPath } from "./paths";

type ViewPlatform = "redshift" | "synapse";

/** The entitlement store of one platform's database, created once under the estate component. */
function store(scope: Scope, platform: ViewPlatform, database: string): ViewEntitlementStore {
  const { ctx } = scope;
  const { managedSchema, synapseSchemaOwner } = ctx.estate.config.viewBased;
  return memo(ctx, `view-store:${platform}:${database}`, () =>
    track(
      scope,
      new ViewEntitlementStore(
        childName(ctx.name, platform, "store", database),
        { dialect: platform, database, managedSchema, schemaOwner: VIEW_DIALECTS[platform].ownershipChaining ? synapseSchemaOwner : null },
        { parent: ctx.root },
      ),
    ),
  );
}

function viewEmitter(platform: ViewPlatform): PlatformEmitter {
  return {
    countFormula:
      "per estate: 1 entitlement store per database + 1 managed view per data source; per policy: 1 entitlements resource per principal and database (rows are data)",
    principal(p: Principal, scope: Scope) {
      // A principal's rows go to the store of each database its data sources live in.
      const byDatabase = new Map<string, string[]>();
      for (const g of p.grants) {
        // The managed view's path starts with its database (the source's own, as stored).
        const db = grantPath(scope.ctx, g).object[0]!;
        byDatabase.set(db, [...(byDatabase.get(db) ?? []), g.dataSource]);
      }
      for (const [database, dataSources] of [...byDatabase].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const s = store({ ...scope, parent: scope.ctx.root }, platform, database);
        track(
          scope,
          new PolicyEntitlements(
            childName(scope.ctx.name, p.id, "entitlements", database),
            {
              dialect: platform,
              database,
              managedSchema: scope.ctx.estate.config.viewBased.managedSchema,
              policyKey: p.name,
              members: p.members.map((m) => m.identity).sort(),
              dataSources: dataSources.sort(),
            },
            { parent: scope.parent, dependsOn: [s] },
          ),
        );
      }
    },
    estate(_principals, scope) {
      const sources = scope.ctx.estate.inventory.dataSources.filter((d): d is DataSourceOf<ViewPlatform> => d.platform === platform);
      const { config } = scope.ctx.estate;
      for (const ds of sources) {
        const stored = storedSource(ds, ADAPTERS[platform].identifierCase);
        // The exact view the plan shows: the adapter's path of it (database, managed schema, view name).
        const [database, , viewName] = ADAPTERS[platform].path(ds as never, config).object;
        const s = store({ ...scope, parent: scope.ctx.root }, platform, database!);
        track(
          scope,
          new ManagedView(
            childName(scope.ctx.name, platform, "view", ds.id),
            {
              dialect: platform,
              managedSchema: scope.ctx.estate.config.viewBased.managedSchema,
              dataSource: ds.id,
              source: stored.location,
              viewName: viewName!,
            },
            { parent: scope.parent, dependsOn: [s] },
          ),
        );
      }
    },
  };
}

/** The Redshift emitter. */
export const redshiftEmitter = viewEmitter("redshift");
/** The Azure Synapse emitter. */
export const synapseEmitter = viewEmitter("synapse");
