/**
 * Trino: every combination of access grant mapping and cluster property, on every object type, with
 * exact privileges, operations and note codes; and the configuration errors, through the real loader.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildPlan } from "../../provider/plan/build";
import { trinoUnregisteredRules } from "../../provider/platforms/sql/trino";
import type { TrinoRulesDocument } from "../../provider/platforms/sql/trino-rules";
import { captureResources } from "../../provider/pulumi/capture";
import { type Action, type Identity, type Relation, allowed } from "../sql/trino-rules-oracle";
import { trinoOperations } from "../../provider/platforms/trino";
import { load, mustLoad } from "../support/estate";
import { bound, config, source } from "./support";

const OWN_MAPPING = { READ: ["READ"], WRITE: ["READ", "WRITE", "OWN"] };
const DEFAULT_MAPPING = { READ: ["READ"], WRITE: ["READ", "WRITE"] };

/** Where the mapping comes from: central only, or a cluster mapping that takes precedence. */
const MAPPINGS = {
  default: {},
  "custom with OWN": { accessGrantMapping: OWN_MAPPING },
  "cluster default overriding central OWN": { accessGrantMapping: OWN_MAPPING, cluster: { accessGrantMapping: DEFAULT_MAPPING } },
  "cluster OWN overriding central default": { cluster: { accessGrantMapping: OWN_MAPPING } },
} as const;

/** `trino.cluster.allowedDataSourceOperations`. */
const PROPERTIES = {
  default: undefined,
  "with OWN": ["READ", "WRITE", "OWN"],
  "without WRITE": ["READ"],
} as const;

type MappingName = keyof typeof MAPPINGS;
type PropertyName = keyof typeof PROPERTIES;

function trinoConfig(mapping: MappingName, property: PropertyName, mode: "sql" | "file" = "file") {
  const m: { accessGrantMapping?: unknown; cluster?: Record<string, unknown> } = MAPPINGS[mapping];
  const allowed = PROPERTIES[property];
  const cluster = { ...(m.cluster ?? {}), ...(allowed ? { allowedDataSourceOperations: allowed } : {}) };
  return config({
    trino: { mode, admins: { users: ["admin"] }, ...(m.accessGrantMapping ? { accessGrantMapping: m.accessGrantMapping } : {}), cluster },
  });
}

/** The effective write operations, and those the property removes, per (mapping, property). */
const WRITE_OPERATIONS: [MappingName, PropertyName, string[], string[]][] = [
  ["default", "default", ["READ", "WRITE"], []],
  ["default", "with OWN", ["READ", "WRITE"], []],
  ["default", "without WRITE", ["READ"], ["WRITE"]],
  ["custom with OWN", "default", ["READ", "WRITE"], ["OWN"]],
  ["custom with OWN", "with OWN", ["OWN", "READ", "WRITE"], []],
  ["custom with OWN", "without WRITE", ["READ"], ["OWN", "WRITE"]],
  ["cluster default overriding central OWN", "default", ["READ", "WRITE"], []],
  ["cluster default overriding central OWN", "with OWN", ["READ", "WRITE"], []],
  ["cluster default overriding central OWN", "without WRITE", ["READ"], ["WRITE"]],
  ["cluster OWN overriding central default", "default", ["READ", "WRITE"], ["OWN"]],
  ["cluster OWN overriding central default", "with OWN", ["OWN", "READ", "WRITE"], []],
  ["cluster OWN overriding central default", "without WRITE", ["READ"], ["OWN", "WRITE"]],
];

const READ = ["SELECT", "SHOW"];
/**
 * SPEC.md, per object type and effective write operations: privileges, operations, object notes,
 * and the rule privileges file mode writes for them.
 */
const BY_OPERATIONS: Record<string, Record<string, [string[], string[], string[], string[]]>> = {
  "READ,WRITE": {
    "BASE TABLE": [
      ["DELETE", "INSERT", "MERGE", "SELECT", "SHOW", "TRUNCATE", "UPDATE"],
      ["READ", "WRITE"],
      [],
      ["DELETE", "INSERT", "SELECT", "UPDATE"],
    ],
    VIEW: [READ, ["READ"], ["write-on-read-only-object"], ["SELECT"]],
    "MATERIALIZED VIEW": [["REFRESH", "SELECT", "SHOW"], ["READ", "WRITE"], [], ["SELECT", "UPDATE"]],
  },
  "OWN,READ,WRITE": {
    "BASE TABLE": [
      ["ALTER", "COMMENT", "DELETE", "DROP", "INSERT", "MERGE", "SELECT", "SET PROPERTIES", "SHOW", "TRUNCATE", "UPDATE"],
      ["OWN", "READ", "WRITE"],
      [],
      ["DELETE", "INSERT", "OWNERSHIP", "SELECT", "UPDATE"],
    ],
    VIEW: [["ALTER", "COMMENT", "DROP", "SELECT", "SHOW"], ["OWN", "READ"], ["write-on-read-only-object"], ["OWNERSHIP", "SELECT"]],
    "MATERIALIZED VIEW": [
      ["ALTER", "COMMENT", "DROP", "REFRESH", "SELECT", "SHOW"],
      ["OWN", "READ", "WRITE"],
      [],
      ["OWNERSHIP", "SELECT", "UPDATE"],
    ],
  },
  READ: {
    "BASE TABLE": [READ, ["READ"], [], ["SELECT"]],
    VIEW: [READ, ["READ"], [], ["SELECT"]],
    "MATERIALIZED VIEW": [READ, ["READ"], [], ["SELECT"]],
  },
};

const OBJECT_TYPES = ["BASE TABLE", "VIEW", "MATERIALIZED VIEW"] as const;

describe("trino mapping x cluster property", () => {
  const cases = WRITE_OPERATIONS.flatMap(([m, p, ops, removed]) => OBJECT_TYPES.map((t) => [m, p, t, ops, removed] as const));

  it.each(cases)("mapping %s, property %s, %s: write in file mode", (mapping, property, objectType, ops, removed) => {
    const c = trinoConfig(mapping, property);
    expect(trinoOperations("write", c)).toEqual({ operations: ops, removed });
    const [privileges, operations, objectNotes, nativePrivileges] = BY_OPERATIONS[ops.join(",")]![objectType]!;
    const b = bound(source("trino", objectType, { id: "trino.x" }));
    const got = b.privileges("write", c);
    expect(got.privileges).toEqual(privileges);
    expect(b.extras(got.privileges, c)).toEqual({ operations, nativePrivileges });
    expect(got.notes.map((n) => n.code)).toEqual([...(removed.length ? ["trino-operation-not-allowed"] : []), ...objectNotes]);
  });

  it.each(cases)("mapping %s, property %s, %s: write in SQL mode never lists OWN", (mapping, property, objectType, ops, removed) => {
    const c = trinoConfig(mapping, property, "sql");
    // SQL mode grants what file mode grants, minus OWN: GRANT has no ownership privilege.
    const granted = ops.filter((o) => o !== "OWN");
    const [privileges, operations, objectNotes, native] = BY_OPERATIONS[granted.join(",")]![objectType]!;
    const b = bound(source("trino", objectType, { id: "trino.x" }));
    const got = b.privileges("write", c);
    expect(got.privileges).toEqual(privileges);
    expect(b.extras(got.privileges, c)).toEqual({ operations, nativePrivileges: native });
    expect(got.notes.map((n) => n.code)).toEqual([
      ...(removed.length ? ["trino-operation-not-allowed"] : []),
      ...(ops.includes("OWN") ? ["trino-operation-not-in-sql-mode"] : []),
      ...objectNotes,
    ]);
  });

  it.each(cases)("mapping %s, property %s, %s: read", (mapping, property, objectType) => {
    for (const mode of ["sql", "file"] as const) {
      const c = trinoConfig(mapping, property, mode);
      expect(trinoOperations("read", c)).toEqual({ operations: ["READ"], removed: [] });
      const b = bound(source("trino", objectType));
      const got = b.privileges("read", c);
      expect([got.privileges, b.extras(got.privileges, c), got.notes]).toEqual([
        READ,
        { operations: ["READ"], nativePrivileges: ["SELECT"] },
        [],
      ]);
    }
  });

  it("names every operation the cluster removes", () => {
    const c = trinoConfig("custom with OWN", "without WRITE");
    expect(bound(source("trino", "BASE TABLE", { id: "trino.orders" })).privileges("write", c).notes).toEqual([
      {
        code: "trino-operation-not-allowed",
        message: "the cluster does not allow `OWN`, `WRITE` on data sources, so a write policy does not grant them on `trino.orders`",
        help: "add the operation to `trino.cluster.allowedDataSourceOperations`, or remove it from the access grant mapping",
      },
    ]);
    expect(
      bound(source("trino", "BASE TABLE", { id: "trino.orders" })).privileges("write", trinoConfig("default", "without WRITE")).notes[0]!
        .message,
    ).toBe("the cluster does not allow `WRITE` on data sources, so a write policy does not grant it on `trino.orders`");
  });

  it("says what SQL mode cannot grant, on the data source it would have reached", () => {
    const c = trinoConfig("custom with OWN", "with OWN", "sql");
    expect(bound(source("trino", "BASE TABLE", { id: "trino.orders" })).privileges("write", c).notes).toEqual([
      {
        code: "trino-operation-not-in-sql-mode",
        message:
          "`OWN` (`ALTER`, `COMMENT`, `DROP`, `SET PROPERTIES`) cannot be granted on `trino.orders` in SQL mode: Trino's GRANT has only SELECT, INSERT, DELETE and UPDATE, so a write policy does not grant it there",
        help: "use file mode (`trino.mode: file`) to grant OWN as OWNERSHIP, or remove OWN from the access grant mapping",
      },
    ]);
  });

  it("never grants CREATE, even where a mapping and the property both name it", () => {
    // Both are configuration errors (checked below); the adapter still grants nothing for CREATE.
    const c = config({
      trino: {
        accessGrantMapping: { READ: ["READ"], WRITE: ["READ", "CREATE"] },
        cluster: { allowedDataSourceOperations: ["READ", "CREATE"] },
      },
    });
    const b = bound(source("trino", "BASE TABLE"));
    const got = b.privileges("write", c);
    expect([got.privileges, b.extras(got.privileges, c), got.notes]).toEqual([
      READ,
      { operations: ["READ"], nativePrivileges: ["SELECT"] },
      [],
    ]);
  });
});

describe("trino operations in a plan", () => {
  const inventory = `
users:
  - { id: ann, groups: [analysts], identities: { trino: ann } }
  - { id: ben, groups: [analysts, engineers], identities: { trino: ben } }
groups: [{ id: analysts }, { id: engineers }]
dataSources:
  - { id: orders, platform: trino, objectType: BASE TABLE, location: { catalog: lake, schema: sales, table: orders }, tags: [sales] }
  - { id: revenue, platform: trino, objectType: MATERIALIZED VIEW, location: { catalog: lake, schema: sales, table: revenue }, tags: [sales] }
`;
  const policies = `
policies:
  - { name: analysts-read, access: read, subscribers: { when: { group: analysts } }, dataSources: { tags: { anyOf: [sales] } } }
  - { name: engineers-write, access: write, subscribers: { when: { group: engineers } }, dataSources: { names: [orders] } }
`;

  const OWN_CONFIG =
    "trino:\n  accessGrantMapping: { READ: [READ], WRITE: [READ, WRITE, OWN] }\n  cluster:\n    allowedDataSourceOperations: [READ, WRITE, OWN]\n";
  const entries = (mode: string) => {
    const estate = mustLoad({
      policies: { "policies.yaml": policies },
      inventory: { "inventory.yaml": inventory },
      config: `${OWN_CONFIG}  mode: ${mode}\n  admins: { users: [trino-admin] }\n`,
    });
    return buildPlan(estate, "2026-11-23T00:00:00Z");
  };

  it("file mode: lists SPEC's privileges, the operations and the rule privileges of the merged entry", () => {
    const plan = entries("file");
    expect(
      plan.access.map((e) => [e.user, e.dataSource, e.access, e.privileges, e.operations, e.nativePrivileges, e.policies, e.object]),
    ).toEqual([
      ["ann", "orders", "read", READ, ["READ"], ["SELECT"], ["analysts-read"], '"lake"."sales"."orders"'],
      ["ann", "revenue", "read", READ, ["READ"], ["SELECT"], ["analysts-read"], '"lake"."sales"."revenue"'],
      [
        "ben",
        "orders",
        "write",
        ["ALTER", "COMMENT", "DELETE", "DROP", "INSERT", "MERGE", "SELECT", "SET PROPERTIES", "SHOW", "TRUNCATE", "UPDATE"],
        ["OWN", "READ", "WRITE"],
        ["DELETE", "INSERT", "OWNERSHIP", "SELECT", "UPDATE"],
        ["analysts-read", "engineers-write"],
        '"lake"."sales"."orders"',
      ],
      ["ben", "revenue", "read", READ, ["READ"], ["SELECT"], ["analysts-read"], '"lake"."sales"."revenue"'],
    ]);
    expect(plan.issues).toEqual([]);
  });

  it("SQL mode: the plan lists only what GRANT gives, and warns on each source OWN would have reached", () => {
    const plan = entries("sql");
    expect(plan.access.map((e) => [e.user, e.dataSource, e.access, e.privileges, e.operations, e.nativePrivileges])).toEqual([
      ["ann", "orders", "read", READ, ["READ"], ["SELECT"]],
      ["ann", "revenue", "read", READ, ["READ"], ["SELECT"]],
      [
        "ben",
        "orders",
        "write",
        ["DELETE", "INSERT", "MERGE", "SELECT", "SHOW", "TRUNCATE", "UPDATE"],
        ["READ", "WRITE"],
        ["DELETE", "INSERT", "SELECT", "UPDATE"],
      ],
      ["ben", "revenue", "read", READ, ["READ"], ["SELECT"]],
    ]);
    expect(plan.issues.map((i) => [i.severity, i.code, i.message])).toEqual([
      [
        "warning",
        "trino-operation-not-in-sql-mode",
        "policy `engineers-write`: `OWN` (`ALTER`, `COMMENT`, `DROP`, `SET PROPERTIES`) cannot be granted on `orders` in SQL mode: Trino's GRANT has only SELECT, INSERT, DELETE and UPDATE, so a write policy does not grant it there",
      ],
    ]);
  });
});

describe("trino configuration errors", () => {
  const issuesOf = (yaml: string) => load({ config: yaml }).issues;
  const WITHOUT_READ_HELP = "both mappings must include READ, e.g. `WRITE: [READ, WRITE]` and `READ: [READ]`";
  const CREATE_HELP = "remove CREATE: it is allowed only on data not registered as a data source (`allowedNonDataSourceOperations`)";

  it("accepts the default and the documented custom configurations", () => {
    expect(issuesOf("trino:\n  accessGrantMapping: { READ: [READ], WRITE: [READ, WRITE] }\n")).toEqual([]);
    expect(
      issuesOf(
        "trino:\n  accessGrantMapping: { READ: [READ], WRITE: [READ, WRITE, OWN] }\n  cluster:\n    allowedDataSourceOperations: [READ, WRITE, OWN]\n    allowedNonDataSourceOperations: [READ, WRITE, CREATE, OWN]\n",
      ),
    ).toEqual([]);
  });

  it("a central WRITE mapping without READ", () => {
    expect(issuesOf("trino:\n  accessGrantMapping:\n    READ: [READ]\n    WRITE: [WRITE]\n")).toEqual([
      {
        severity: "error",
        code: "trino-mapping-without-read",
        message: "the Trino access grant mapping for `WRITE` does not include `READ`",
        file: "accessplane.yaml",
        path: "trino.accessGrantMapping.WRITE",
        line: 4,
        help: WITHOUT_READ_HELP,
      },
    ]);
  });

  it("a cluster READ mapping without READ", () => {
    expect(issuesOf("trino:\n  cluster:\n    accessGrantMapping:\n      READ: []\n      WRITE: [READ, WRITE]\n")).toEqual([
      {
        severity: "error",
        code: "trino-mapping-without-read",
        message: "the Trino access grant mapping for `READ` does not include `READ`",
        file: "accessplane.yaml",
        path: "trino.cluster.accessGrantMapping.READ",
        line: 4,
        help: WITHOUT_READ_HELP,
      },
    ]);
  });

  it("CREATE in a mapping", () => {
    expect(issuesOf("trino:\n  accessGrantMapping:\n    READ: [READ]\n    WRITE: [READ, WRITE, CREATE]\n")).toEqual([
      {
        severity: "error",
        code: "trino-mapping-create",
        message: "the Trino access grant mapping for `WRITE` includes `CREATE`, which no policy can grant",
        file: "accessplane.yaml",
        path: "trino.accessGrantMapping.WRITE",
        line: 4,
        help: CREATE_HELP,
      },
    ]);
  });

  it("a READ mapping that grants modification", () => {
    expect(issuesOf("trino:\n  accessGrantMapping:\n    READ: [READ, WRITE, OWN]\n    WRITE: [READ, WRITE]\n")).toEqual([
      {
        severity: "error",
        code: "trino-read-mapping-widens",
        message: "the Trino access grant mapping for `READ` includes `WRITE`, `OWN`",
        file: "accessplane.yaml",
        path: "trino.accessGrantMapping.READ",
        line: 3,
        help: "a read policy must never grant modification: use `READ: [READ]`",
      },
    ]);
  });

  it("CREATE in the registered-data property", () => {
    expect(issuesOf("trino:\n  cluster:\n    allowedDataSourceOperations: [READ, WRITE, CREATE]\n")).toEqual([
      {
        severity: "error",
        code: "trino-create-on-data-sources",
        message: "`CREATE` is not valid in `allowedDataSourceOperations`: data sources already exist",
        file: "accessplane.yaml",
        path: "trino.cluster.allowedDataSourceOperations",
        line: 3,
        help: "remove CREATE: it applies only to objects that do not exist yet, so only `allowedNonDataSourceOperations` may allow it",
      },
    ]);
  });

  it("file mode without an administrator", () => {
    expect(issuesOf("trino:\n  mode: file\n")).toEqual([
      {
        severity: "error",
        code: "trino-file-mode-without-admins",
        message:
          "file mode names no Trino administrator: the rules document would deny every data source to everyone outside a policy, administrators included",
        file: "accessplane.yaml",
        path: "trino.mode",
        line: 2,
        help: "list the cluster's administrators (and the owners of shared views) under `trino.admins` (`users`, `groups`, `roles`)",
      },
    ]);
    expect(issuesOf("trino:\n  mode: file\n  admins: { groups: [platform-admins] }\n")).toEqual([]);
    expect(issuesOf("trino:\n  mode: sql\n")).toEqual([]);
  });

  it("reports every problem at once, and the estate is refused", () => {
    const r = load({
      config:
        "trino:\n  accessGrantMapping:\n    READ: [CREATE]\n    WRITE: [READ]\n  cluster:\n    accessGrantMapping:\n      READ: [READ]\n      WRITE: [WRITE, OWN]\n    allowedDataSourceOperations: [CREATE]\n",
    });
    expect(r.estate).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.path, i.line])).toEqual([
      ["trino-mapping-create", "trino.accessGrantMapping.READ", 3],
      ["trino-mapping-without-read", "trino.accessGrantMapping.READ", 3],
      ["trino-read-mapping-widens", "trino.accessGrantMapping.READ", 3],
      ["trino-mapping-without-read", "trino.cluster.accessGrantMapping.WRITE", 8],
      ["trino-create-on-data-sources", "trino.cluster.allowedDataSourceOperations", 9],
    ]);
  });
});

describe("trino file mode: the deployed rules document, evaluated as Trino would", () => {
  const inventory = `
users:
  - { id: ann, groups: [analysts], identities: { trino: ann } }
  - { id: ben, groups: [engineers], identities: { trino: ben } }
  - { id: eve, identities: { trino: eve } }
groups: [{ id: analysts }, { id: engineers }]
dataSources:
  - { id: orders, platform: trino, objectType: BASE TABLE, location: { catalog: lake, schema: sales, table: orders }, tags: [sales] }
  - { id: orders_view, platform: trino, objectType: VIEW, location: { catalog: lake, schema: sales, table: orders_view }, tags: [sales] }
  - { id: hostile, platform: trino, objectType: BASE TABLE, location: { catalog: lake, schema: "s|x", table: "ord.rs" }, tags: [sales] }
  - { id: payroll, platform: trino, objectType: BASE TABLE, location: { catalog: lake, schema: hr, table: payroll }, tags: [hr] }
`;
  const policies = `
policies:
  - { name: analysts-read, access: read, subscribers: { when: { group: analysts } }, dataSources: { tags: { anyOf: [sales] } } }
  - { name: engineers-write, access: write, subscribers: { when: { group: engineers } }, dataSources: { names: [orders] } }
`;
  const rulesOf = async (extra = "") => {
    const estate = mustLoad({
      policies: { "policies.yaml": policies },
      inventory: { "inventory.yaml": inventory },
      config: `trino:\n  mode: file\n  admins: { users: [trino-admin], roles: [admin] }\n${extra}`,
    });
    const rs = await captureResources(estate, "2026-11-23T00:00:00Z", { slice: { platforms: ["trino"] } });
    const rules = rs.filter((r) => r.type === "pulumi-nodejs:dynamic/accessplane:TrinoAccessRules");
    expect(rules).toHaveLength(1);
    return rules[0]!.inputs.document as TrinoRulesDocument;
  };

  const t = (catalog: string, schema: string, table: string): Relation => ({ catalog, schema, table });
  const orders = t("lake", "sales", "orders");
  // Registered, owned by an administrator: subscribers read it through the owner's GRANT_SELECT.
  const ordersView: Relation = { ...t("lake", "sales", "orders_view"), view: { owner: "trino-admin", reads: [orders] } };
  // Not registered, owned by a subscriber: it must not expose the data source to anyone else.
  const annView: Relation = { ...t("lake", "scratch", "ann_view"), view: { owner: "ann", reads: [orders] } };
  const unregistered = t("lake", "scratch", "notes");
  const otherCatalog = t("mysql", "crm", "accounts");
  const hostile = t("lake", "s|x", "ord.rs");
  // What the escaped regexes must not match: `.` and `|` are literal.
  const lookalike = t("lake", "s|x", "ordXrs");
  const system = t("system", "runtime", "nodes");
  // Registered, but no policy grants it: closed to everyone, not left to the unregistered catch-all.
  const payroll = t("lake", "hr", "payroll");
  const admin = { user: "trino-admin" };
  const ops = { user: "ops", roles: ["admin"] };
  const ann = { user: "ann" };
  const ben = { user: "ben" };
  const eve = { user: "eve" };

  type Row = [string, Identity, Relation, Action, boolean];
  const name = (o: Relation) => `${o.catalog}.${o.schema}.${o.table}`;
  const DEFAULT_BOUNDS: Row[] = [
    ["an administrator reads a data source", admin, orders, "SELECT", true],
    ["an administrator drops a data source", admin, orders, "OWNERSHIP", true],
    ["an administrator owns a schema with data sources", admin, orders, "OWN_SCHEMA", true],
    ["an administrator writes another catalog", admin, otherCatalog, "INSERT", true],
    ["an administrator role deletes from a data source", ops, orders, "DELETE", true],
    ["a reader reads", ann, orders, "SELECT", true],
    ["a reader does not write", ann, orders, "INSERT", false],
    ["a reader reads the registered view", ann, ordersView, "SELECT", true],
    ["a reader reads the hostile-named source", ann, hostile, "SELECT", true],
    ["a writer writes", ben, orders, "DELETE", true],
    ["a writer updates", ben, orders, "UPDATE", true],
    ["a writer does not drop (no OWN in the mapping)", ben, orders, "OWNERSHIP", false],
    ["a writer of orders does not read the view", ben, ordersView, "SELECT", false],
    ["nobody else reads a data source", eve, orders, "SELECT", false],
    ["nobody else reads the view", eve, ordersView, "SELECT", false],
    ["nobody else reads the hostile-named source", eve, hostile, "SELECT", false],
    ["nobody reads a data source no policy grants", eve, payroll, "SELECT", false],
    ["a subscriber elsewhere does not read it either", ann, payroll, "SELECT", false],
    ["nobody writes a data source no policy grants", ben, payroll, "INSERT", false],
    ["a subscriber's own view does not expose the data source", eve, annView, "SELECT", false],
    ["the subscriber reads her own view", ann, annView, "SELECT", true],
    ["nobody owns a schema that holds data sources", ann, orders, "OWN_SCHEMA", false],
    ["everyone reads an unregistered table", eve, unregistered, "SELECT", true],
    ["everyone writes an unregistered table", eve, unregistered, "INSERT", true],
    ["everyone creates and drops unregistered tables", eve, unregistered, "OWNERSHIP", true],
    ["everyone creates schemas without data sources", eve, unregistered, "OWN_SCHEMA", true],
    ["everyone reads other catalogs", eve, otherCatalog, "SELECT", true],
    ["a lookalike of an escaped name is unregistered", eve, lookalike, "SELECT", true],
    ["the system catalog stays readable", eve, system, "SELECT", true],
  ];

  it.each(DEFAULT_BOUNDS.map(([why, who, o, action, ok]) => [why, who.user, name(o), action, ok, who, o] as const))(
    "default bounds: %s (%s, %s, %s -> %s)",
    async (_why, _user, _name, action, ok, who, o) => {
      expect(allowed(await rulesOf(), who, o, action)).toBe(ok);
    },
  );

  it("unregistered objects follow allowedNonDataSourceOperations", async () => {
    const readOnly = await rulesOf("  cluster:\n    allowedNonDataSourceOperations: [READ]\n");
    const nothing = await rulesOf("  cluster:\n    allowedNonDataSourceOperations: []\n");
    const table: [TrinoRulesDocument, Identity, Relation, Action, boolean][] = [
      [readOnly, eve, unregistered, "SELECT", true],
      [readOnly, eve, unregistered, "INSERT", false],
      [readOnly, eve, unregistered, "OWNERSHIP", false],
      [readOnly, eve, unregistered, "OWN_SCHEMA", false],
      [readOnly, ann, orders, "SELECT", true],
      [readOnly, ben, orders, "DELETE", true],
      [readOnly, admin, unregistered, "INSERT", true],
      [nothing, eve, unregistered, "SELECT", false],
      [nothing, eve, otherCatalog, "SELECT", false],
      [nothing, ann, orders, "SELECT", true],
      [nothing, ann, ordersView, "SELECT", true],
      [nothing, admin, otherCatalog, "OWNERSHIP", true],
    ];
    expect(table.map(([doc, who, o, action]) => allowed(doc, who, o, action))).toEqual(table.map((r) => r[4]));
  });

  it("writes the administrators first in every section", async () => {
    const doc = await rulesOf();
    expect([doc.catalogs!.slice(0, 2), doc.schemas!.slice(0, 2), doc.tables!.slice(0, 2)]).toEqual([
      [
        { user: "trino\\-admin", allow: "all" },
        { role: "admin", allow: "all" },
      ],
      [
        { user: "trino\\-admin", owner: true },
        { role: "admin", owner: true },
      ],
      [
        { user: "trino\\-admin", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] },
        { role: "admin", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] },
      ],
    ]);
  });
});

describe("trino bounds on objects that are not data sources", () => {
  const issuesOf = (yaml: string) => load({ config: yaml }).issues.map((i) => [i.severity, i.code, i.path]);

  it("file mode: OWN without CREATE (or CREATE without OWN) grants neither on tables, and says so", async () => {
    const base = "trino:\n  mode: file\n  admins: { users: [a] }\n  cluster:\n    allowedNonDataSourceOperations: ";
    expect(issuesOf(`${base}[READ, OWN]\n`)).toEqual([
      ["warning", "trino-unregistered-own-create-split", "trino.cluster.allowedNonDataSourceOperations"],
    ]);
    expect(issuesOf(`${base}[READ, CREATE]\n`)).toEqual([
      ["warning", "trino-unregistered-own-create-split", "trino.cluster.allowedNonDataSourceOperations"],
    ]);
    expect(issuesOf(`${base}[READ, CREATE, OWN]\n`)).toEqual([]);
    expect(trinoUnregisteredRules(["READ", "OWN"])).toEqual({ privileges: ["SELECT", "GRANT_SELECT"], schemaOwner: false });
    expect(trinoUnregisteredRules(["READ", "CREATE"])).toEqual({ privileges: ["SELECT", "GRANT_SELECT"], schemaOwner: true });
    expect(trinoUnregisteredRules(["READ", "WRITE", "CREATE", "OWN"])).toEqual({
      privileges: ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"],
      schemaOwner: true,
    });
    expect(trinoUnregisteredRules([])).toBeNull();
  });

  it("SQL mode does not enforce the bound: a value other than the default is a warning", () => {
    expect(issuesOf("trino:\n  cluster:\n    allowedNonDataSourceOperations: [READ]\n")).toEqual([
      ["warning", "trino-unregistered-bound-in-sql-mode", "trino.cluster.allowedNonDataSourceOperations"],
    ]);
    expect(issuesOf("trino:\n  cluster:\n    allowedNonDataSourceOperations: [OWN, CREATE, WRITE, READ]\n")).toEqual([]);
  });
});

describe("trino words of the product", () => {
  // Property names of another product's cluster configuration (`allowed.<...>.datasource.operations`).
  const FOREIGN = /allowed\.(non\.)?[a-z]+\.datasource\.operations/i;
  const ROOT = join(__dirname, "..", "..");
  const files = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? files(join(dir, d.name)) : /\.(ts|md|json)$/.test(d.name) ? [join(dir, d.name)] : [],
    );

  it("code, docs, JSON Schemas and messages use accessplane's own names for the cluster bounds", () => {
    const hits = [...files("provider"), ...files("docs"), ...files("schema"), "README.md", "scripts/platform-docs.ts"].filter((f) =>
      FOREIGN.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(hits).toEqual([]);
  });
});
