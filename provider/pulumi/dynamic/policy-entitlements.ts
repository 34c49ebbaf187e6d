/**
 * `PolicyEntitlements`: the entitlement rows of one policy principal in one database's store (its
 * members and its data sources there); inputs `{ dialect, database, managedSchema, policyKey,
 * members[], dataSources[] }` (zod schema in schemas.ts). Every write converges on the live rows,
 * so a run interrupted midway, or rows edited by hand, converge on the next `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { type PolicyRows, entitlementDeltaStatements } from "../../platforms/sql/view-entitlements";
import { readQueries } from "../../platforms/sql/views";
import { dynamicResource } from "./resource";
import { type Props, resourceId } from "./base";
import type { Row } from "./connection";
import { classify } from "./errors";
import { type PolicyEntitlementsInputs, policyEntitlementsInputsSchema, checkInputs, diffInputs, parseInputs, parseState } from "./schemas";
import { ViewProvider, runAll } from "./view-provider";

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
export class PolicyEntitlementsProvider extends ViewProvider implements pulumi.dynamic.ResourceProvider {
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
    const c = this.connection(i.dialect, i.database);
    const live = await this.session(c, "read entitlements of policy", i.policyKey, async (s) => {
      try {
        return await liveRows(s.query, i);
      } catch (e) {
        // The store itself is gone: the policy has no rows, which the next update restores.
        if (classify(e).kind === "missing-object") return { policyKey: i.policyKey, members: [], dataSources: [] };
        throw e;
      }
    });
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
    const c = this.connection(i.dialect, i.database);
    await this.session(c, action, i.policyKey, (s) =>
      s.transaction(async (q) => {
        // The delta is computed from the rows as they are now, not from the last recorded state,
        // so a run interrupted midway (or rows edited by hand) converges on re-run.
        const live = await liveRows(q, i);
        await runAll(q, entitlementDeltaStatements(i.dialect, i.managedSchema, live, target));
      }),
    );
  }
}

const entitlementsProvider = new PolicyEntitlementsProvider();

/** The entitlement rows of one policy principal in one database: its members and its data sources there. */
export class PolicyEntitlements extends dynamicResource<PolicyEntitlementsInputs, PolicyEntitlementsOutputs>(
  entitlementsProvider,
  "PolicyEntitlements",
) {}
