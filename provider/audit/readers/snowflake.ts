/**
 * Live grants of Snowflake, through the SQL API session of the inventory connector
 * (provider/connectors/snowflake.ts), in one of two modes:
 * - `show` (current): `SHOW ROLES`, then per role `SHOW GRANTS TO ROLE`, `SHOW GRANTS OF ROLE` and
 *   `SHOW FUTURE GRANTS TO ROLE`, `SHOW USERS` and per user `SHOW GRANTS TO USER` (direct grants of
 *   user-based access control), and `SHOW SHARES` with `SHOW GRANTS TO SHARE` for outbound shares
 *   (https://docs.snowflake.com/en/sql-reference/sql/show-grants). One statement per role can take
 *   minutes on a large role, so statements run in parallel under a concurrency cap.
 * - `account-usage` (bulk): `SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES` and `GRANTS_TO_USERS`, rows
 *   with `DELETED_ON IS NULL`, in two statements; these views lag up to 2 hours
 *   (https://docs.snowflake.com/en/sql-reference/account-usage/grants_to_roles), and the report says so.
 * Names are parsed from the platform's dotted form (`DB.S."my table"`) and written as the plan
 * writes them (`"DB"."S"."my table"`). Only SHOW and SELECT statements run.
 */
import { type Row, runStatement, type SqlApi } from "../../connectors/snowflake";
import { delimitQualified } from "../../platforms/sql/dialect";
import type { Grantee, LiveGrant, LiveMembership, LiveState } from "../types";

/** The system roles whose holders administer the account: their memberships are administrative. */
export const SNOWFLAKE_ADMIN_ROLES = new Set(["ACCOUNTADMIN", "SECURITYADMIN", "SYSADMIN", "USERADMIN", "ORGADMIN"]);

/** How a Snowflake source's grants are read. */
export interface SnowflakeAuditOptions {
  source: string;
  mode: "show" | "account-usage";
  /** Statements in flight at once in `show` mode (default 8). */
  concurrency?: number;
  now?: Date;
}

/** Splits a Snowflake dotted name into its parts, unquoting quoted parts (`""` is one `"`). */
export function splitSnowflakeName(name: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i <= name.length) {
    if (name[i] === '"') {
      let s = "";
      i++;
      while (i < name.length) {
        if (name[i] === '"' && name[i + 1] === '"') {
          s += '"';
          i += 2;
        } else if (name[i] === '"') {
          i++;
          break;
        } else s += name[i++];
      }
      parts.push(s);
      i++; // the dot
    } else {
      const dot = name.indexOf(".", i);
      const end = dot === -1 ? name.length : dot;
      parts.push(name.slice(i, end));
      i = end + 1;
    }
  }
  return parts;
}

/**
 * Runs `work` over `items` with at most `limit` in flight; results in the items' order. After a
 * failure no further item starts, the ones in flight finish, and then a failure is thrown.
 */
export async function capped<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await work(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  // Every lane is awaited, so that no request is still in flight when the failure is reported.
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  const failure = lanes.find((l): l is PromiseRejectedResult => l.status === "rejected");
  if (failure) throw failure.reason;
  return out;
}

const q = (name: string) => delimitQualified([name], "snowflake");
const val = (r: Row, k: string) => r[k] ?? r[k.toUpperCase()] ?? r[k.toLowerCase()] ?? null;
const granteeKind = (t: string | null): Grantee["kind"] =>
  t === "USER" ? "user" : t === "SHARE" ? "share" : t === "GROUP" ? "group" : "role";

/** Collects grants and memberships, merging privileges of the same grantee, object, kind and grantor. */
class Collector {
  readonly grants = new Map<string, LiveGrant>();
  readonly memberships = new Map<string, LiveMembership>();
  grant(grantee: Grantee, grantedOn: string, name: string, privilege: string, grantor: string | null, future: boolean) {
    const parts = splitSnowflakeName(name);
    const object = delimitQualified(parts, "snowflake");
    const kind: LiveGrant["kind"] = future
      ? "future"
      : privilege === "OWNERSHIP"
        ? "ownership"
        : grantedOn === "ACCOUNT"
          ? "admin"
          : "direct";
    const k = `${grantee.kind}\0${grantee.name}\0${object}\0${kind}\0${grantor ?? ""}`;
    let g = this.grants.get(k);
    if (!g)
      this.grants.set(
        k,
        (g = {
          platform: "snowflake",
          grantee,
          object,
          privileges: [],
          kind,
          ...(grantor ? { grantor } : {}),
          ...(grantedOn === "TABLE" || grantedOn === "VIEW" || grantedOn.endsWith(" TABLE") || grantedOn.endsWith(" VIEW")
            ? { path: parts }
            : {}),
        }),
      );
    if (!g.privileges.includes(privilege)) g.privileges.push(privilege);
  }
  member(parent: string, member: Grantee, grantor: string | null) {
    const k = `${parent}\0${member.kind}\0${member.name}`;
    if (this.memberships.has(k)) return;
    this.memberships.set(k, { platform: "snowflake", parent: { kind: "role", name: parent }, member });
    // Holding an administrative role is administrative access, listed apart from subscriptions.
    if (SNOWFLAKE_ADMIN_ROLES.has(parent)) this.grant(member, "ACCOUNT", parent, `ROLE ${parent}`, grantor, false);
  }
  /** One row of SHOW GRANTS TO ROLE/USER/SHARE or of GRANTS_TO_ROLES. */
  privilegeRow(r: Row, grantee: Grantee, future: boolean) {
    const privilege = val(r, "privilege") ?? "";
    const grantedOn = (val(r, future ? "grant_on" : "granted_on") ?? "").toUpperCase();
    let name = val(r, "name") ?? "";
    // GRANTS_TO_ROLES names the object only; its database and schema are columns of their own.
    const cat = val(r, "TABLE_CATALOG");
    const sch = val(r, "TABLE_SCHEMA");
    if (cat && sch && grantedOn !== "SCHEMA" && grantedOn !== "DATABASE") name = `${q(cat)}.${q(sch)}.${q(name)}`;
    else if (cat && grantedOn === "SCHEMA") name = `${q(cat)}.${q(name)}`;
    if (grantedOn === "ROLE" && !future) {
      // GRANT ROLE <name> TO ROLE <grantee>: the grantee's holders reach the granted role's grants.
      this.member(splitSnowflakeName(name)[0]!, grantee, val(r, "granted_by"));
      return;
    }
    if (privilege === "" || name === "") return;
    this.grant(grantee, grantedOn, name, privilege, val(r, "granted_by"), future);
  }
  state(source: string, readFrom: string, readAt: Date, principals: Grantee[], notes: string[]): LiveState {
    for (const g of this.grants.values()) g.privileges.sort();
    return {
      platform: "snowflake",
      source,
      grants: [...this.grants.values()],
      memberships: [...this.memberships.values()],
      principals,
      readFrom,
      readAt: readAt.toISOString(),
      notes,
    };
  }
}

/** The note of the bulk mode: its latency. */
export const ACCOUNT_USAGE_NOTE = "ACCOUNT_USAGE views lag up to 2 hours: grants made or revoked since may be missing or shown";

/** Reads a Snowflake account's live grants. */
export async function readSnowflakeGrants(api: SqlApi, o: SnowflakeAuditOptions): Promise<LiveState> {
  const c = new Collector();
  const now = o.now ?? new Date();
  if (o.mode === "account-usage") {
    const roles = await runStatement(
      api,
      "SELECT PRIVILEGE, GRANTED_ON, NAME, TABLE_CATALOG, TABLE_SCHEMA, GRANTED_TO, GRANTEE_NAME, GRANTED_BY FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES WHERE DELETED_ON IS NULL",
    );
    const principals = new Map<string, Grantee>();
    for (const r of roles) {
      const grantee: Grantee = { kind: granteeKind(val(r, "GRANTED_TO")), name: val(r, "GRANTEE_NAME") ?? "" };
      if (grantee.kind === "role") principals.set(grantee.name, grantee);
      c.privilegeRow(r, grantee, false);
    }
    for (const r of await runStatement(
      api,
      "SELECT ROLE, GRANTED_TO, GRANTEE_NAME, GRANTED_BY FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS WHERE DELETED_ON IS NULL",
    )) {
      c.member(val(r, "ROLE") ?? "", { kind: "user", name: val(r, "GRANTEE_NAME") ?? "" }, val(r, "GRANTED_BY"));
    }
    return c.state(
      o.source,
      "SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES and GRANTS_TO_USERS",
      now,
      [...principals.values()],
      [ACCOUNT_USAGE_NOTE],
    );
  }
  const cap = o.concurrency ?? 8;
  const roles = (await runStatement(api, "SHOW ROLES")).map((r) => val(r, "name") ?? "").filter((n) => n !== "");
  await capped(roles, cap, async (role) => {
    const grantee: Grantee = { kind: "role", name: role };
    for (const r of await runStatement(api, `SHOW GRANTS TO ROLE ${q(role)}`)) c.privilegeRow(r, grantee, false);
    for (const r of await runStatement(api, `SHOW GRANTS OF ROLE ${q(role)}`)) {
      c.member(role, { kind: granteeKind(val(r, "granted_to")), name: val(r, "grantee_name") ?? "" }, val(r, "granted_by"));
    }
    for (const r of await runStatement(api, `SHOW FUTURE GRANTS TO ROLE ${q(role)}`)) c.privilegeRow(r, grantee, true);
  });
  const users = (await runStatement(api, "SHOW USERS")).map((r) => val(r, "name") ?? "").filter((n) => n !== "");
  await capped(users, cap, async (user) => {
    for (const r of await runStatement(api, `SHOW GRANTS TO USER ${q(user)}`)) {
      // Rows naming a role are role grants (already read from SHOW GRANTS OF ROLE); the others are privileges.
      if ((val(r, "granted_on") ?? "ROLE").toUpperCase() === "ROLE" || val(r, "privilege") === null) {
        const role = val(r, "role") ?? val(r, "name");
        if (role) c.member(role, { kind: "user", name: user }, val(r, "granted_by"));
        continue;
      }
      c.privilegeRow(r, { kind: "user", name: user }, false);
    }
  });
  const shares = (await runStatement(api, "SHOW SHARES")).filter((r) => (val(r, "kind") ?? "").toUpperCase() === "OUTBOUND");
  await capped(shares, cap, async (s) => {
    const name = splitSnowflakeName(val(s, "name") ?? "").pop() ?? "";
    for (const r of await runStatement(api, `SHOW GRANTS TO SHARE ${q(name)}`)) c.privilegeRow(r, { kind: "share", name }, false);
  });
  return c.state(
    o.source,
    "SHOW GRANTS (current)",
    now,
    roles.map((name) => ({ kind: "role", name })),
    [],
  );
}
