/**
 * Dynamic resources for Trino / Starburst, one per enforcement mode:
 *
 * | resource            | scope                    | inputs (zod schema in schemas.ts)                             |
 * |---------------------|--------------------------|---------------------------------------------------------------|
 * | `TrinoRoleGrants`   | one per policy principal (SQL mode) | `{ role, roleCatalog?, members[], grants: { catalog, schema, table, privileges[] }[] }` |
 * | `TrinoAccessRules`  | estate (file mode)       | `{ path, document }` (document from `trinoRulesDocument`)     |
 *
 * SQL mode talks to the coordinator through `trino-client` (settings in connection.ts). Trino has
 * no IF NOT EXISTS for roles or grants, so every create/update/delete first reads the role's live
 * state and applies only the delta (`trinoRoleDelta`): re-running after an interruption converges.
 * File mode writes `rules.json` on the filesystem of the machine running Pulumi (the coordinator, or
 * a volume it mounts) with an atomic rename, and reads it back for drift.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import {
  type TrinoRoleState,
  trinoRulesDocumentSchema,
  renderTrinoRules,
  trinoReadQueries,
  trinoRoleDelta,
  trinoSqlPrivilegeSchema,
} from "../../platforms/sql/trino";
import { initError } from "../../platforms/sql/closure";
import { type ConfigSnapshot, type Row, type TrinoConnection, snapshotConfig, trinoConnection } from "./connection";
import { ProviderError, providerError } from "./errors";
import {
  type TrinoAccessRulesInputs,
  trinoAccessRulesInputsSchema,
  type TrinoRoleGrantsInputs,
  trinoRoleGrantsInputsSchema,
  checkInputs,
  diffInputs,
  parseInputs,
  parseState,
} from "./schemas";
import type { WrappedInputs } from "./views";

type Props = Record<string, unknown>;

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

/** CRUD for one policy role in SQL mode. */
export class TrinoRoleGrantsProvider implements pulumi.dynamic.ResourceProvider {
  private config: ConfigSnapshot | undefined;
  private readonly connect: ((c: TrinoConnection) => Promise<TrinoRunner>) | undefined;

  /** `connect` replaces the trino-client connection (tests); production code passes nothing. */
  constructor(connect?: (c: TrinoConnection) => Promise<TrinoRunner>) {
    this.connect = connect;
  }

  /** Captures the stack config. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = snapshotConfig(req.config);
  }

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
    const live = await this.session(i, "read role", (r) => readRole(r, i));
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

  private async converge(i: TrinoRoleGrantsInputs, target: TrinoRoleState | null, action: string): Promise<void> {
    await this.session(i, action, async (r) => {
      const live = await readRole(r, i);
      for (const sql of trinoRoleDelta(live, target)) await r.query(sql);
    });
  }

  private async session<T>(i: TrinoRoleGrantsInputs, action: string, work: (r: TrinoRunner) => Promise<T>): Promise<T> {
    const c = trinoConnection(this.config);
    try {
      const runner = await (this.connect ?? connectTrino)(c);
      return await work(runner);
    } catch (e) {
      throw providerError("trino", action, i.role, e, c.secrets);
    }
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

/** Outputs of `TrinoAccessRules`. */
export interface TrinoAccessRulesOutputs extends TrinoAccessRulesInputs {
  /** The file exists and holds a valid rules document. */
  filePresent: boolean;
  /** sha256 of the file as last written or read, so delete never removes a file someone replaced. */
  sha256: string;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function fileError(action: string, path: string, e: unknown): ProviderError {
  const code = (e as { code?: unknown }).code;
  const detail = e instanceof Error ? e.message : String(e);
  const help =
    code === "EACCES" || code === "EPERM"
      ? "the user running Pulumi cannot write there; grant it write access to the directory"
      : code === "ENOENT"
        ? "the directory does not exist; create it, or point `path` at the coordinator's etc/ directory"
        : "check the path and the disk, then run `pulumi up` again";
  return new ProviderError(
    `trino: could not ${action} \`${path}\`: ${String(code ?? "error")}: ${detail}; help: ${help}`,
    code === "EACCES" || code === "EPERM" ? "permission-denied" : code === "ENOENT" ? "missing-object" : "other",
  );
}

/** CRUD for the file-mode `rules.json`. */
export class TrinoAccessRulesProvider implements pulumi.dynamic.ResourceProvider {
  /** Validates inputs with `trinoAccessRulesInputsSchema()` (the documented rule format). */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(trinoAccessRulesInputsSchema(), news);
  }

  /** Replaces on a new path; a new document updates the file in place. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news, { keys: ["path", "document"], identity: ["path"], drift: ["filePresent"] });
  }

  /** Writes the file (temporary file, then rename: Trino never reads a half-written document). */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(trinoAccessRulesInputsSchema(), inputs);
    return { id: i.path, outs: writeRules(i) };
  }

  /** Reads the file back: a missing, edited or invalid file shows as drift. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(trinoAccessRulesInputsSchema(), props, ["path", "document"]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    let text: string;
    try {
      text = fs.readFileSync(i.path, "utf8");
    } catch (e) {
      if ((e as { code?: unknown }).code === "ENOENT") {
        const outs: TrinoAccessRulesOutputs = { ...i, filePresent: false, sha256: "" };
        return { id, props: outs };
      }
      throw fileError("read", i.path, e);
    }
    let live: unknown;
    try {
      live = JSON.parse(text);
    } catch {
      live = undefined;
    }
    const parsed = trinoRulesDocumentSchema().safeParse(live);
    const outs: TrinoAccessRulesOutputs = parsed.success
      ? { ...i, document: parsed.data, filePresent: true, sha256: sha256(text) }
      : { ...i, filePresent: false, sha256: sha256(text) };
    return { id, props: outs };
  }

  /** Rewrites the file with the new document. */
  async update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: writeRules(parseInputs(trinoAccessRulesInputsSchema(), news)) };
  }

  /** Removes the file, unless it changed since accessplane last wrote or read it. */
  async delete(_id: string, props: Props): Promise<void> {
    const path = String(props.path);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    let text: string;
    try {
      text = fs.readFileSync(path, "utf8");
    } catch (e) {
      if ((e as { code?: unknown }).code === "ENOENT") return;
      throw fileError("delete", path, e);
    }
    if (sha256(text) !== props.sha256) {
      throw new ProviderError(
        `trino: will not delete \`${path}\`: it changed outside Pulumi since accessplane wrote it; ` +
          "help: run `pulumi refresh` to adopt the current file, then delete again",
        "other",
      );
    }
    try {
      fs.unlinkSync(path);
    } catch (e) {
      throw fileError("delete", path, e);
    }
  }
}

function writeRules(i: TrinoAccessRulesInputs): TrinoAccessRulesOutputs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("node:fs") as typeof import("node:fs");
  const text = renderTrinoRules(i.document);
  const tmp = `${i.path}.accessplane-${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    fs.renameSync(tmp, i.path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw fileError("write", i.path, e);
  }
  return { ...i, document: trinoRulesDocumentSchema().parse(i.document), filePresent: true, sha256: sha256(text) };
}

const roleProvider = new TrinoRoleGrantsProvider();
const rulesProvider = new TrinoAccessRulesProvider();

/** One policy role in Trino SQL mode: table grants to the role, and its user members. */
export class TrinoRoleGrants extends pulumi.dynamic.Resource {
  declare readonly role: pulumi.Output<string>;
  declare readonly members: pulumi.Output<string[]>;
  declare readonly rolePresent: pulumi.Output<boolean>;

  constructor(name: string, args: WrappedInputs<TrinoRoleGrantsArgs>, opts?: pulumi.CustomResourceOptions) {
    super(roleProvider, name, { roleCatalog: null, ...args, rolePresent: undefined }, opts, "accessplane", "TrinoRoleGrants");
  }
}

/** Arguments of `TrinoRoleGrants` (`roleCatalog` defaults to null: a system role). */
export type TrinoRoleGrantsArgs = Omit<TrinoRoleGrantsInputs, "roleCatalog"> & { roleCatalog?: string | null };

/** The file-mode `rules.json` of a Trino cluster (estate scope). */
export class TrinoAccessRules extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly filePresent: pulumi.Output<boolean>;
  declare readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: WrappedInputs<TrinoAccessRulesInputs>, opts?: pulumi.CustomResourceOptions) {
    super(rulesProvider, name, { ...args, filePresent: undefined, sha256: undefined }, opts, "accessplane", "TrinoAccessRules");
  }
}
