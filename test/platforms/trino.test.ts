/**
 * Trino: every combination of access grant mapping and cluster property, on every object type, with
 * exact privileges, operations and note codes; and the configuration errors, through the real loader.
 */
import { buildPlan } from "../../provider/plan/build";
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

/** `immuta.allowed.immuta.datasource.operations`. */
const PROPERTIES = {
  default: undefined,
  "with OWN": ["READ", "WRITE", "OWN"],
  "without WRITE": ["READ"],
} as const;

type MappingName = keyof typeof MAPPINGS;
type PropertyName = keyof typeof PROPERTIES;

function trinoConfig(mapping: MappingName, property: PropertyName) {
  const m: { accessGrantMapping?: unknown; cluster?: Record<string, unknown> } = MAPPINGS[mapping];
  const allowed = PROPERTIES[property];
  const cluster = { ...(m.cluster ?? {}), ...(allowed ? { allowedDataSourceOperations: allowed } : {}) };
  return config({ trino: { ...(m.accessGrantMapping ? { accessGrantMapping: m.accessGrantMapping } : {}), cluster } });
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
/** SPEC.md, per object type and effective write operations: privileges, operations, object notes. */
const BY_OPERATIONS: Record<string, Record<string, [string[], string[], string[]]>> = {
  "READ,WRITE": {
    "BASE TABLE": [["DELETE", "INSERT", "MERGE", "SELECT", "SHOW", "TRUNCATE", "UPDATE"], ["READ", "WRITE"], []],
    VIEW: [READ, ["READ"], ["write-on-read-only-object"]],
    "MATERIALIZED VIEW": [["REFRESH", "SELECT", "SHOW"], ["READ", "WRITE"], []],
  },
  "OWN,READ,WRITE": {
    "BASE TABLE": [
      ["ALTER", "COMMENT", "DELETE", "DROP", "INSERT", "MERGE", "SELECT", "SET PROPERTIES", "SHOW", "TRUNCATE", "UPDATE"],
      ["OWN", "READ", "WRITE"],
      [],
    ],
    VIEW: [["ALTER", "COMMENT", "DROP", "SELECT", "SHOW"], ["OWN", "READ"], ["write-on-read-only-object"]],
    "MATERIALIZED VIEW": [["ALTER", "COMMENT", "DROP", "REFRESH", "SELECT", "SHOW"], ["OWN", "READ", "WRITE"], []],
  },
  READ: {
    "BASE TABLE": [READ, ["READ"], []],
    VIEW: [READ, ["READ"], []],
    "MATERIALIZED VIEW": [READ, ["READ"], []],
  },
};

const OBJECT_TYPES = ["BASE TABLE", "VIEW", "MATERIALIZED VIEW"] as const;

describe("trino mapping x cluster property", () => {
  const cases = WRITE_OPERATIONS.flatMap(([m, p, ops, removed]) => OBJECT_TYPES.map((t) => [m, p, t, ops, removed] as const));

  it.each(cases)("mapping %s, property %s, %s: write", (mapping, property, objectType, ops, removed) => {
    const c = trinoConfig(mapping, property);
    expect(trinoOperations("write", c)).toEqual({ operations: ops, removed });
    const [privileges, operations, objectNotes] = BY_OPERATIONS[ops.join(",")]![objectType]!;
    const b = bound(source("trino", objectType, { id: "trino.x" }));
    const got = b.privileges("write", c);
    expect(got.privileges).toEqual(privileges);
    expect(b.extras(got.privileges, c)).toEqual({ operations });
    expect(got.notes.map((n) => n.code)).toEqual([...(removed.length ? ["trino-operation-not-allowed"] : []), ...objectNotes]);
  });

  it.each(cases)("mapping %s, property %s, %s: read", (mapping, property, objectType) => {
    const c = trinoConfig(mapping, property);
    expect(trinoOperations("read", c)).toEqual({ operations: ["READ"], removed: [] });
    const b = bound(source("trino", objectType));
    const got = b.privileges("read", c);
    expect([got.privileges, b.extras(got.privileges, c), got.notes]).toEqual([READ, { operations: ["READ"] }, []]);
  });

  it("names every operation the cluster removes", () => {
    const c = trinoConfig("custom with OWN", "without WRITE");
    expect(bound(source("trino", "BASE TABLE", { id: "trino.orders" })).privileges("write", c).notes).toEqual([
      {
        code: "trino-operation-not-allowed",
        message: "the cluster does not allow `OWN`, `WRITE` on data sources, so a write policy does not grant them on `trino.orders`",
        help: "add the operation to `trino.cluster.allowedDataSourceOperations` (immuta.allowed.immuta.datasource.operations), or remove it from the access grant mapping",
      },
    ]);
    expect(bound(source("trino", "BASE TABLE", { id: "trino.orders" })).privileges("write", trinoConfig("default", "without WRITE")).notes[0]!.message).toBe(
      "the cluster does not allow `WRITE` on data sources, so a write policy does not grant it on `trino.orders`",
    );
  });

  it("never grants CREATE, even where a mapping and the property both name it", () => {
    // Both are configuration errors (checked below); the adapter still grants nothing for CREATE.
    const c = config({
      trino: { accessGrantMapping: { READ: ["READ"], WRITE: ["READ", "CREATE"] }, cluster: { allowedDataSourceOperations: ["READ", "CREATE"] } },
    });
    const b = bound(source("trino", "BASE TABLE"));
    const got = b.privileges("write", c);
    expect([got.privileges, b.extras(got.privileges, c), got.notes]).toEqual([READ, { operations: ["READ"] }, []]);
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

  it("lists the operations of the merged privileges per entry", () => {
    const estate = mustLoad({
      policies: { "policies.yaml": policies },
      inventory: { "inventory.yaml": inventory },
      config: "trino:\n  accessGrantMapping: { READ: [READ], WRITE: [READ, WRITE, OWN] }\n  cluster:\n    allowedDataSourceOperations: [READ, WRITE, OWN]\n",
    });
    const plan = buildPlan(estate, "2026-11-23T00:00:00Z");
    expect(plan.access.map((e) => [e.user, e.dataSource, e.access, e.privileges, e.operations, e.policies, e.object])).toEqual([
      ["ann", "orders", "read", READ, ["READ"], ["analysts-read"], '"lake"."sales"."orders"'],
      ["ann", "revenue", "read", READ, ["READ"], ["analysts-read"], '"lake"."sales"."revenue"'],
      [
        "ben",
        "orders",
        "write",
        ["ALTER", "COMMENT", "DELETE", "DROP", "INSERT", "MERGE", "SELECT", "SET PROPERTIES", "SHOW", "TRUNCATE", "UPDATE"],
        ["OWN", "READ", "WRITE"],
        ["analysts-read", "engineers-write"],
        '"lake"."sales"."orders"',
      ],
      ["ben", "revenue", "read", READ, ["READ"], ["analysts-read"], '"lake"."sales"."revenue"'],
    ]);
    expect(plan.issues).toEqual([]);
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
        message: "`CREATE` is not valid in `allowedDataSourceOperations` (immuta.allowed.immuta.datasource.operations)",
        file: "accessplane.yaml",
        path: "trino.cluster.allowedDataSourceOperations",
        line: 3,
        help: "remove CREATE: it applies only to objects that do not exist yet, so only `allowedNonDataSourceOperations` may allow it",
      },
    ]);
  });

  it("reports every problem at once, and the estate is refused", () => {
    const r = load({
      config: "trino:\n  accessGrantMapping:\n    READ: [CREATE]\n    WRITE: [READ]\n  cluster:\n    accessGrantMapping:\n      READ: [READ]\n      WRITE: [WRITE, OWN]\n    allowedDataSourceOperations: [CREATE]\n",
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
