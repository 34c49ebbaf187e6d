/**
 * `TrinoRoleGrants`: one policy role in Trino / Starburst SQL mode, its table grants and its user
 * members; inputs `{ role, roleCatalog?, members[], grants: { catalog, schema, table, privileges[] }[] }`
 * (zod schema in trino-schemas.ts).
 *
 * Talks to the coordinator through `trino-client` (settings in connection.ts). Trino has no IF NOT
 * EXISTS for roles or grants, so every create/update/delete first reads the role's live state and
 * applies only the delta (`trinoRoleDelta`): re-running after an interruption converges.
 */
import * as pulumi from "@pulumi/pulumi";
import { type TrinoRoleState, trinoReadQueries, trinoRoleDelta } from "../../platforms/sql/trino";
import { initError } from "../../platforms/sql/closure";
import { dynamicResource } from "./resource";
import { type Props, SessionProvider } from "./base";
import { type Row, type TrinoConnection, trinoConnection } from "./connection";
import { checkInputs, diffInputs, parseInputs, parseState } from "./schemas";
import { type TrinoRoleGrantsInputs, trinoRoleGrantsInputsSchema, trinoSqlPrivilegeSchema } from "./trino-schemas";

/** Runs Trino statements; the default one uses `trino-client`, tests pass their own. */
export interface TrinoRunner {
  query(sql: string): Promise<Row[]>;
}

/** Error shape of a failed Trino query, kept so `classify` can read `errorName`. */
class TrinoQueryError extends Error {
  readonly errorName: string;
  constructor(message: string, errorName: string) {
    super(message);
    this.errorName = errorName;
    initError(this, message);
  }
}

/** The `trino-client` runner: follows `nextUri` pages and returns rows keyed by column name. */
export async function connectTrino(c: TrinoConnection): Promise<TrinoRunner> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Trino, BasicAuth } = require("trino-client") as typeof import("trino-client");
  const client = Trino.create({ server: c.url, source: "accessplane", auth: new BasicAuth(c.user, c.password) });
  return {
    async query(sql: string): Promise<Row[]> {
      const rows: Row[] = [];
      let columns: string[] = [];
      const started = Date.now();
      const iter = await client.query(sql);
      for await (const page of iter) {
        if (page.error) throw new TrinoQueryError(page.error.message, page.error.errorName);
        if (page.columns) columns = page.columns.map((col) => col.name);
        for (const values of page.data ?? []) {
          rows.push(Object.fromEntries(columns.map((name, i) => [name, values[i]])));
        }
        if (Date.now() - started > c.statementTimeoutMs) {
          if (page.id) await client.cancel(page.id).catch(() => undefined);
          throw new TrinoQueryError(`query ran longer than ${c.statementTimeoutMs} ms`, "EXCEEDED_TIME_LIMIT");
        }
      }
      return rows;
    },
  };
}

/** Outputs of `TrinoRoleGrants`: the role's live state (equal to the inputs after apply). */
export interface TrinoRoleGrantsOutputs extends TrinoRoleGrantsInputs {
  /** The role exists. */
  rolePresent: boolean;
}

const ROLE_KEYS = ["role", "roleCatalog", "members", "grants"] as const;

/** CRUD for one policy role in SQL mode; the constructor's `connect` replaces trino-client (tests). */
export class TrinoRoleGrantsProvider extends SessionProvider<TrinoConnection, TrinoRunner> implements pulumi.dynamic.ResourceProvider {
  /** Validates inputs with `trinoRoleGrantsInputsSchema()` (sorted members, grants and privileges). */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(trinoRoleGrantsInputsSchema(), news);
  }

  /** Replaces on a new role name or role catalog; grants and members update in place. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news, { keys: ROLE_KEYS, identity: ["role", "roleCatalog"], drift: ["rolePresent"] });
  }

  /** Creates the role, its grants and its memberships (or converges a partial earlier run). */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(trinoRoleGrantsInputsSchema(), inputs);
    await this.converge(i, i, "create role");
    return { id: JSON.stringify([i.roleCatalog, i.role]), outs: { ...i, rolePresent: true } };
  }

  /** Reads the role's live grants and members, so `pulumi refresh` shows hand-made changes. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(trinoRoleGrantsInputsSchema(), props, ROLE_KEYS);
    const live = await this.session(trinoConnection(this.config), "read role", i.role, (r) => readRole(r, i));
    const outs: TrinoRoleGrantsOutputs = live
      ? { ...i, members: live.members, grants: live.grants, rolePresent: true }
      : { ...i, members: [], grants: [], rolePresent: false };
    return { id, props: outs };
  }

  /** Applies only the delta from the live role to the inputs: grants before revokes. */
  async update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const i = parseInputs(trinoRoleGrantsInputsSchema(), news);
    await this.converge(i, i, "update role");
    return { outs: { ...i, rolePresent: true } };
  }

  /** Drops the role, which removes exactly its own grants and memberships. */
  async delete(_id: string, props: Props): Promise<void> {
    const i = parseState(trinoRoleGrantsInputsSchema(), props, ROLE_KEYS);
    await this.converge(i, null, "delete role");
  }

  /** Connects with trino-client. */
  protected override open(c: TrinoConnection): Promise<TrinoRunner> {
    return connectTrino(c);
  }

  private async converge(i: TrinoRoleGrantsInputs, target: TrinoRoleState | null, action: string): Promise<void> {
    await this.session(trinoConnection(this.config), action, i.role, async (r) => {
      const live = await readRole(r, i);
      for (const sql of trinoRoleDelta(live, target)) await r.query(sql);
    });
  }
}

/** The live state of the role, limited to the catalogs the inputs grant on; null if it does not exist. */
async function readRole(r: TrinoRunner, i: TrinoRoleGrantsInputs): Promise<TrinoRoleState | null> {
  const roles = await r.query(trinoReadQueries.roles(i.roleCatalog));
  if (!roles.some((row) => String(row.Role ?? row.role) === i.role)) return null;
  const members = (await r.query(trinoReadQueries.members(i.role, i.roleCatalog))).map((row) => String(row.grantee)).sort();
  const grants = new Map<string, { catalog: string; schema: string; table: string; privileges: Set<string> }>();
  for (const catalog of [...new Set(i.grants.map((g) => g.catalog))].sort()) {
    for (const row of await r.query(trinoReadQueries.grants(i.role, catalog))) {
      const schema = String(row.table_schema);
      const table = String(row.table_name);
      const key = JSON.stringify([catalog, schema, table]);
      const entry = grants.get(key) ?? { catalog, schema, table, privileges: new Set<string>() };
      entry.privileges.add(String(row.privilege_type));
      grants.set(key, entry);
    }
  }
  const live = trinoRoleGrantsInputsSchema().parse({
    role: i.role,
    roleCatalog: i.roleCatalog,
    members,
    grants: [...grants.values()]
      // Only what GRANT can give is ours to converge (the connector may list other privilege types).
      .map((g) => ({ ...g, privileges: [...g.privileges].filter((p) => trinoSqlPrivilegeSchema().safeParse(p).success) }))
      .filter((g) => g.privileges.length > 0),
  });
  return live;
}

const roleProvider = new TrinoRoleGrantsProvider();

/** One policy role in Trino SQL mode: table grants to the role, and its user members. */
export class TrinoRoleGrants extends dynamicResource<TrinoRoleGrantsArgs, TrinoRoleGrantsOutputs>(
  roleProvider,
  "TrinoRoleGrants",
  ["rolePresent"],
  { roleCatalog: null },
) {}

/** Arguments of `TrinoRoleGrants` (`roleCatalog` defaults to null: a system role). */
export type TrinoRoleGrantsArgs = Omit<TrinoRoleGrantsInputs, "roleCatalog"> & { roleCatalog?: string | null };
