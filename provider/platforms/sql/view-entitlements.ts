/**
 * The entitlement rows of the view-based platforms' store (views.ts): which users belong to a
 * policy principal (`memberships`) and which data sources it reaches (`policy_objects`). Subscribing
 * or revoking a user changes these rows only, never a view or a grant. Every statement is
 * idempotent (INSERT ... WHERE NOT EXISTS, DELETE by key).
 */
import { quoteIdent, quoteLiteral, quoteQualified } from "./dialect";
import { STORE_OBJECTS, type ViewDialect } from "./views";

/** The entitlement rows of one policy principal: its members and the data sources it reaches. */
export interface PolicyRows {
  policyKey: string;
  members: string[];
  dataSources: string[];
}

function insertRow(d: ViewDialect, schema: string, table: string, cols: [string, string][]): string {
  const names = cols.map(([c]) => quoteIdent(c, d)).join(", ");
  const values = cols.map(([, v]) => quoteLiteral(v, d)).join(", ");
  const match = cols.map(([c, v]) => `${quoteIdent(c, d)} = ${quoteLiteral(v, d)}`).join(" AND ");
  const t = quoteQualified([schema, table], d);
  return `INSERT INTO ${t} (${names}) SELECT ${values} WHERE NOT EXISTS (SELECT 1 FROM ${t} WHERE ${match})`;
}

function deleteRows(d: ViewDialect, schema: string, table: string, cols: [string, string][]): string {
  const match = cols.map(([c, v]) => `${quoteIdent(c, d)} = ${quoteLiteral(v, d)}`).join(" AND ");
  return `DELETE FROM ${quoteQualified([schema, table], d)} WHERE ${match}`;
}

function minus(a: readonly string[], b: readonly string[]): string[] {
  const drop = new Set(b);
  return [...new Set(a)].filter((x) => !drop.has(x)).sort();
}

/**
 * The entitlement-row delta from `before` to `after` for one policy principal: inserts first, then
 * deletes (grants before revokes). `before = null` creates, `after = null` removes every row of
 * the policy, and only of that policy.
 */
export function entitlementDeltaStatements(
  d: ViewDialect,
  managedSchema: string,
  before: PolicyRows | null,
  after: PolicyRows | null,
): string[] {
  if (before && after && before.policyKey !== after.policyKey) {
    // A new key is a different principal: create the new rows, then remove the old ones.
    return [...entitlementDeltaStatements(d, managedSchema, null, after), ...entitlementDeltaStatements(d, managedSchema, before, null)];
  }
  const s = managedSchema;
  const out: string[] = [];
  if (after) {
    const key = after.policyKey;
    for (const u of minus(after.members, before?.members ?? [])) {
      out.push(
        insertRow(d, s, STORE_OBJECTS.memberships, [
          ["policy_key", key],
          ["user_name", u],
        ]),
      );
    }
    for (const ds of minus(after.dataSources, before?.dataSources ?? [])) {
      out.push(
        insertRow(d, s, STORE_OBJECTS.policyObjects, [
          ["policy_key", key],
          ["data_source", ds],
        ]),
      );
    }
  }
  if (before && !after) {
    out.push(deleteRows(d, s, STORE_OBJECTS.memberships, [["policy_key", before.policyKey]]));
    out.push(deleteRows(d, s, STORE_OBJECTS.policyObjects, [["policy_key", before.policyKey]]));
  } else if (before && after) {
    for (const u of minus(before.members, after.members)) {
      out.push(
        deleteRows(d, s, STORE_OBJECTS.memberships, [
          ["policy_key", before.policyKey],
          ["user_name", u],
        ]),
      );
    }
    for (const ds of minus(before.dataSources, after.dataSources)) {
      out.push(
        deleteRows(d, s, STORE_OBJECTS.policyObjects, [
          ["policy_key", before.policyKey],
          ["data_source", ds],
        ]),
      );
    }
  }
  return out;
}
