/**
 * Properties over every platform, object type and (valid) configuration: write includes read where it
 * grants anything, read-only platforms never carry a write privilege, and nothing creates or drops
 * objects except Trino's OWN.
 */
import fc from "fast-check";
import { validateEstate } from "../../provider/model/validate";
import { OBJECT_TYPES, PLATFORMS, S3PrincipalMode, type DataSource, type Platform } from "../../provider/model/schema";
import { ADAPTERS } from "../../provider/platforms";
import { trinoOperations } from "../../provider/platforms/trino";
import { LOCATIONS, bound, config, source } from "./support";

const name = fc.stringMatching(/^[A-Za-z0-9_"`\]\[. -]{1,12}$/);

/** A configuration that passes validation: READ maps to READ only, WRITE always includes READ, no CREATE. */
const configArb = fc
  .record({
    mapping: fc.shuffledSubarray(["WRITE", "OWN"] as const),
    cluster: fc.option(fc.shuffledSubarray(["WRITE", "OWN"] as const), { nil: undefined }),
    allowed: fc.shuffledSubarray(["READ", "WRITE", "OWN"] as const),
    principalMode: fc.constantFrom(...S3PrincipalMode.options),
    managedSchema: name,
    suffix: name,
    groupPrefix: name,
  })
  .map((r) =>
    config({
      naming: { groupPrefix: r.groupPrefix },
      trino: {
        accessGrantMapping: { READ: ["READ"], WRITE: ["READ", ...r.mapping] },
        cluster: {
          ...(r.cluster ? { accessGrantMapping: { READ: ["READ"], WRITE: [...r.cluster, "READ"] } } : {}),
          allowedDataSourceOperations: r.allowed,
        },
      },
      s3: { principalMode: r.principalMode },
      viewBased: { managedSchema: r.managedSchema, bigqueryDatasetSuffix: r.suffix },
    }),
  );

/** Any data source of `platform`: every object type, random names, shares, S3 scopes and principal modes. */
const sourceArb = (platform: Platform): fc.Arbitrary<DataSource> =>
  fc
    .record({
      objectType: fc.constantFrom(...OBJECT_TYPES[platform]),
      names: fc.array(name, { minLength: 3, maxLength: 3 }),
      incomingShare: fc.boolean(),
      principalMode: fc.option(fc.constantFrom(...S3PrincipalMode.options), { nil: undefined }),
      dropScope: fc.boolean(),
    })
    .map(({ objectType, names, incomingShare, principalMode, dropScope }) => {
      const keys = Object.keys(LOCATIONS[platform]);
      // Three random name parts; further keys (BigQuery's dataset location) keep their default.
      const defaults = LOCATIONS[platform] as Record<string, string>;
      const location = Object.fromEntries(
        keys.map((k, i) => [k, names[i] ?? defaults[k]!]).filter(([k]) => !(dropScope && k !== "bucket" && platform === "s3")),
      );
      const extra: Record<string, unknown> = { location };
      if (platform === "snowflake" || platform === "databricks-unity-catalog") extra.incomingShare = incomingShare;
      if (platform === "bigquery") extra.bigLake = incomingShare;
      if (platform === "s3" && principalMode) extra.principalMode = principalMode;
      return source(platform, objectType, extra);
    });

const anySource = fc.constantFrom(...PLATFORMS).chain(sourceArb);

/** Every atomic operation a privilege list stands for. */
const expand = (ds: DataSource, privileges: readonly string[]) => new Set(privileges.flatMap((p) => [...bound(ds).adapter.implied(p)]));
const includes = (big: Set<string>, small: Set<string>) => [...small].every((x) => big.has(x));

const RUNS = { numRuns: 1000 };

describe("platform properties", () => {
  it("generated configurations are valid", () => {
    fc.assert(
      fc.property(configArb, (c) => {
        const issues = validateEstate({ policies: [], inventory: { users: [], groups: [], dataSources: [], sharedRoles: [] }, config: c });
        expect(issues).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("write, expanded through implied, includes read wherever write grants anything", () => {
    fc.assert(
      fc.property(anySource, configArb, (ds, c) => {
        const b = bound(ds);
        const read = b.privileges("read", c).privileges;
        const write = b.privileges("write", c).privileges;
        if (write.length > 0) expect(includes(expand(ds, write), expand(ds, read))).toBe(true);
      }),
      RUNS,
    );
  });

  it("platforms without write support never carry a privilege outside their read set", () => {
    fc.assert(
      fc.property(anySource, configArb, (ds, c) => {
        const b = bound(ds);
        if (b.adapter.supportsWrite) return;
        const read = new Set(b.privileges("read", c).privileges);
        expect(b.privileges("write", c).privileges.filter((p) => !read.has(p))).toEqual([]);
      }),
      RUNS,
    );
  });

  it("no privilege or action is CREATE or DROP, except DROP from Trino's OWN", () => {
    fc.assert(
      fc.property(anySource, configArb, (ds, c) => {
        const b = bound(ds);
        for (const access of ["read", "write"] as const) {
          const held = [...expand(ds, b.privileges(access, c).privileges)];
          expect(held.filter((p) => /CREATE/i.test(p))).toEqual([]);
          const ownDrop = ds.platform === "trino" && trinoOperations(access, c).operations.includes("OWN");
          if (!ownDrop) expect(held.filter((p) => /^DROP/i.test(p))).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it("privileges are sorted, unique and upper case; notes follow the message style", () => {
    fc.assert(
      fc.property(anySource, configArb, fc.constantFrom("read", "write") as fc.Arbitrary<"read" | "write">, (ds, c, access) => {
        const { privileges, notes } = bound(ds).privileges(access, c);
        expect([...privileges]).toEqual([...new Set(privileges)].sort());
        expect(privileges.filter((p) => p !== p.toUpperCase())).toEqual([]);
        for (const n of notes) {
          expect(n.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          expect(n.message).not.toMatch(/\.$/);
          expect(n.help).not.toMatch(/\.$/);
        }
      }),
      RUNS,
    );
  });

  it("merging keeps everything either side stands for", () => {
    fc.assert(
      fc.property(anySource, configArb, (ds, c) => {
        const b = bound(ds);
        const read = b.privileges("read", c).privileges;
        const write = b.privileges("write", c).privileges;
        for (const [x, y] of [
          [read, write],
          [write, read],
        ] as const) {
          const merged = expand(ds, ADAPTERS[ds.platform].merge(x, y));
          expect(includes(merged, expand(ds, x)) && includes(merged, expand(ds, y))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("data sources with equal table keys get equal privileges and note codes", () => {
    const pair = fc.constantFrom(...PLATFORMS).chain((p) => fc.tuple(sourceArb(p), sourceArb(p)));
    fc.assert(
      fc.property(pair, configArb, ([a, b], c) => {
        if (bound(a).tableKey() !== bound(b).tableKey()) return;
        for (const access of ["read", "write"] as const) {
          const pa = bound(a).privileges(access, c);
          const pb = bound(b).privileges(access, c);
          expect([pa.privileges, pa.notes.map((n) => n.code)]).toEqual([pb.privileges, pb.notes.map((n) => n.code)]);
        }
      }),
      RUNS,
    );
  });
});
