/**
 * Redshift and Azure Synapse, view-based, through accessplane's dynamic resources: one entitlement
 * store per platform and one managed view per data source for the estate; entitlement rows per
 * principal inside its policy. Subscribing or revoking a user changes rows only, never views.
 * Count: per estate 1 store + 1 view per data source; per policy 1 entitlements resource per principal.
 */
import type { DataSourceOf } from "../../model/schema";
import type { Principal } from "../../plan/types";
import { ADAPTERS } from "../../platforms";
import { storedSource } from "../../platforms/view-based";
import { childName, memo, type PlatformEmitter, type Scope, track } from "../context";
import { ManagedView, PolicyEntitlements, ViewEntitlementStore } from "../dynamic";

type ViewPlatform = "redshift" | "synapse";

/** The estate's entitlement store of one platform, created once under the estate component. */
function store(scope: Scope, platform: ViewPlatform): ViewEntitlementStore {
  const { ctx } = scope;
  return memo(ctx, `view-store:${platform}`, () =>
    track(scope, new ViewEntitlementStore(childName(ctx.name, platform, "store"), { dialect: platform, managedSchema: ctx.estate.config.viewBased.managedSchema }, { parent: ctx.root })),
  );
}

/** The managed view's name inside the managed schema: `<schema>__<table>`, as the adapters display it. */
export const managedViewName = (ds: DataSourceOf<ViewPlatform>) => `${ds.location.schema}__${ds.location.table}`;

function viewEmitter(platform: ViewPlatform): PlatformEmitter {
  return {
    countFormula: "per estate: 1 entitlement store + 1 managed view per data source; per policy: 1 entitlements resource per principal (rows are data)",
    principal(p: Principal, scope: Scope) {
      const s = store(scope, platform);
      track(
        scope,
        new PolicyEntitlements(
          childName(scope.ctx.name, p.id, "entitlements"),
          {
            dialect: platform,
            managedSchema: scope.ctx.estate.config.viewBased.managedSchema,
            policyKey: p.name,
            members: p.members.map((m) => m.identity).sort(),
            dataSources: p.grants.map((g) => g.dataSource).sort(),
          },
          { parent: scope.parent, dependsOn: [s] },
        ),
      );
    },
    estate(_principals, scope) {
      const sources = scope.ctx.estate.inventory.dataSources.filter((d): d is DataSourceOf<ViewPlatform> => d.platform === platform);
      if (sources.length === 0) return;
      const s = store({ ...scope, parent: scope.ctx.root }, platform);
      for (const ds of sources.map((d) => storedSource(d, ADAPTERS[platform].identifierCase))) {
        track(
          scope,
          new ManagedView(
            childName(scope.ctx.name, platform, "view", ds.id),
            { dialect: platform, managedSchema: scope.ctx.estate.config.viewBased.managedSchema, dataSource: ds.id, source: ds.location, viewName: managedViewName(ds) },
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
