/**
 * S3 grant scopes: a grant's scope is its location's scope with the sub-prefix appended, and `*`
 * matches every key that starts with what precedes it (S3 Access Grants' rule). A prefix is scoped
 * as a folder, the sub-prefix is relative to the longest location that holds the data source, and
 * the configuration states the deployment's prerequisites.
 */
import fc from "fast-check";
import { Config, DataSource, type DataSourceOf } from "../../provider/model/schema";
import { buildPlan } from "../../provider/plan/build";
import { s3GrantOf } from "../../provider/pulumi/emitters/s3";
import { load, mustLoad } from "../support/estate";

/** S3 Access Grants' matching, transcribed from the vendor docs: a trailing `*` matches any rest of the key, otherwise the scope is one exact object. */
const matches = (grantScope: string, uri: string): boolean =>
  grantScope.endsWith("*") ? uri.startsWith(grantScope.slice(0, -1)) : uri === grantScope;

/** Whether `uri` lies inside a data source, by the data source's meaning: a bucket, a folder, one object. */
function inside(ds: DataSourceOf<"s3">, uri: string): boolean {
  const { bucket, prefix, object } = ds.location;
  if (ds.objectType === "BUCKET") return uri.startsWith(`s3://${bucket}/`);
  if (ds.objectType === "OBJECT") return uri === `s3://${bucket}/${object}`;
  const folder = prefix!.endsWith("/") ? prefix! : `${prefix!}/`;
  return uri.startsWith(`s3://${bucket}/${folder}`);
}

const s3 = (objectType: string, location: Record<string, string>): DataSourceOf<"s3"> =>
  DataSource.parse({ id: "ds", platform: "s3", objectType, location }) as DataSourceOf<"s3">;
const configWith = (locations: { id: string; scope: string }[] = []) => Config.parse({ s3: { accountId: "406321587214", locations } });
const scopeOf = (ds: DataSourceOf<"s3">, config: Config) => {
  const g = s3GrantOf(ds, config)!;
  return g.location.scope + g.s3SubPrefix;
};

describe("a prefix is scoped as a folder", () => {
  const feeds = s3("PREFIX", { bucket: "northwind-landing", prefix: "partner-feeds" });

  test("`partner-feeds` is granted as `partner-feeds/*`, which a sibling prefix does not match", () => {
    expect(s3GrantOf(feeds, configWith())).toEqual({
      location: { id: "default", scope: "s3://" },
      s3SubPrefix: "northwind-landing/partner-feeds/*",
      object: false,
      grantScope: "s3://northwind-landing/partner-feeds/*",
    });
    const scope = scopeOf(feeds, configWith());
    expect(matches(scope, "s3://northwind-landing/partner-feeds/2026/01.csv")).toBe(true);
    expect(matches(scope, "s3://northwind-landing/partner-feeds-archive/2026/01.csv")).toBe(false);
    expect(matches(scope, "s3://northwind-landing/partner-feeds")).toBe(false);
  });

  test("the plan shows the folder and warns, at the prefix's line, with both forms in the help", () => {
    const r = load({
      policies: { "p.yaml": "name: feeds-read\naccess: read\nsubscribers: { users: [ann] }\ndataSources: { names: [feeds] }\n" },
      inventory: {
        "inv.yaml":
          "users:\n  - { id: ann, identities: { identityCenter: idc-ann } }\ndataSources:\n  - id: feeds\n    platform: s3\n    objectType: PREFIX\n    location:\n      bucket: northwind-landing\n      prefix: partner-feeds\n",
      },
      config: 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n',
    });
    expect(r.issues).toEqual([
      {
        severity: "warning",
        code: "s3-prefix-normalised",
        message:
          "prefix `partner-feeds` of `feeds` is granted as the folder `partner-feeds/`, so keys such as `partner-feeds-archive/…` stay outside it",
        file: "inv.yaml",
        line: 9,
        path: "dataSources[0].location.prefix",
        help: "write `prefix: partner-feeds/` to say so; `partner-feeds` without the slash would match every key that starts with `partner-feeds`, which accessplane never grants",
      },
    ]);
    expect(buildPlan(r.estate!, "2026-06-01T00:00:00Z").access.map((a) => a.object)).toEqual(["s3://northwind-landing/partner-feeds/"]);
  });
});

describe("the sub-prefix is relative to the location that holds the data source", () => {
  const sales = s3("PREFIX", { bucket: "acme-landing", prefix: "sales/" });

  test("under `s3://acme-landing/` the sub-prefix is `sales/*`, not `acme-landing/sales/*`", () => {
    const config = configWith([{ id: "2f0c8e7a-4b1d-4c39-9a6e-51d3b7e0c4a2", scope: "s3://acme-landing/" }]);
    expect(s3GrantOf(sales, config)).toEqual({
      location: { id: "2f0c8e7a-4b1d-4c39-9a6e-51d3b7e0c4a2", scope: "s3://acme-landing/" },
      s3SubPrefix: "sales/*",
      object: false,
      grantScope: "s3://acme-landing/sales/*",
    });
  });

  test("the longest scope wins, whatever the order of the locations", () => {
    const locations = [
      { id: "default", scope: "s3://" },
      { id: "landing", scope: "s3://acme-landing/" },
      { id: "sales", scope: "s3://acme-landing/sales/" },
    ];
    for (const order of [locations, [...locations].reverse()]) {
      const config = configWith(order);
      expect(
        [
          sales,
          s3("BUCKET", { bucket: "acme-landing" }),
          s3("BUCKET", { bucket: "acme-exports" }),
          s3("OBJECT", { bucket: "acme-landing", object: "sales/2026/orders.csv" }),
        ].map((d) => {
          const g = s3GrantOf(d, config)!;
          return `${g.location.id} ${g.s3SubPrefix}${g.object ? " Object" : ""}`;
        }),
      ).toEqual(["sales *", "landing *", "default acme-exports/*", "sales 2026/orders.csv Object"]);
    }
  });

  test("a bucket location does not hold a bucket whose name merely starts with it", () => {
    const config = configWith([{ id: "landing", scope: "s3://acme-landing/" }]);
    expect(s3GrantOf(s3("BUCKET", { bucket: "acme-landing-archive" }), config)).toBeUndefined();
  });

  test("the shorthand `accessGrantsLocationId` is the default location `s3://` under that id", () => {
    const config = Config.parse({ s3: { accountId: "406321587214", accessGrantsLocationId: "default" } });
    expect(s3GrantOf(sales, config)).toMatchObject({ location: { id: "default", scope: "s3://" }, s3SubPrefix: "acme-landing/sales/*" });
  });
});

test("property: a key matches a grant's scope (location scope + sub-prefix) iff it lies inside the data source", () => {
  const bucket = fc.constantFrom("acme", "acme-archive", "acm");
  const segment = fc.constantFrom("a", "b", "a-b", "ab", "a.b");
  const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("/"));
  const dataSource = fc.oneof(
    bucket.map((b) => s3("BUCKET", { bucket: b })),
    fc.tuple(bucket, path, fc.boolean()).map(([b, p, slash]) => s3("PREFIX", { bucket: b, prefix: slash ? `${p}/` : p })),
    fc.tuple(bucket, path).map(([b, p]) => s3("OBJECT", { bucket: b, object: p })),
  );
  // Locations: the default one, plus random bucket and folder scopes (some hold the data source, some do not).
  const locations = fc
    .array(fc.tuple(bucket, fc.option(path, { nil: undefined })), { maxLength: 4 })
    .map((ls) => [
      { id: "default", scope: "s3://" },
      ...[...new Set(ls.map(([b, p]) => `s3://${b}/${p ? `${p}/` : ""}`))].map((scope, i) => ({ id: `loc${i}`, scope })),
    ]);
  // Keys near the data source (itself, below it, its siblings with a suffix) and anywhere else.
  const key = (ds: DataSourceOf<"s3">) => {
    const base = `s3://${ds.location.bucket}/${ds.location.prefix ?? ds.location.object ?? ""}`;
    return fc.oneof(
      fc.tuple(bucket, path).map(([b, p]) => `s3://${b}/${p}`),
      fc
        .tuple(fc.constantFrom("", "/", "-archive/", "x", "/a", "-b/a"), fc.option(path, { nil: "" }))
        .map(([sep, rest]) => `${base}${sep}${rest}`),
    );
  };
  fc.assert(
    fc.property(
      dataSource.chain((ds) => fc.tuple(fc.constant(ds), locations, fc.array(key(ds), { minLength: 1, maxLength: 8 }))),
      ([ds, locs, keys]) => {
        const config = configWith(locs);
        const g = s3GrantOf(ds, config);
        expect(g).toBeDefined();
        const scope = g!.location.scope + g!.s3SubPrefix;
        // The location holds the grant: the sub-prefix never climbs out of it.
        expect(scope.startsWith(g!.location.scope)).toBe(true);
        for (const k of keys) expect([k, matches(scope, k)]).toEqual([k, inside(ds, k)]);
      },
    ),
    { numRuns: 500 },
  );
});

describe("the configuration states the prerequisites, with file, line and key", () => {
  const policies = { "p.yaml": "name: lake-readers\naccess: read\nsubscribers: { users: [ann] }\ndataSources: { names: [lake] }\n" };
  const inventory = (source: string) => ({
    "inv.yaml": `users:\n  - { id: ann, identities: { identityCenter: idc-ann } }\ndataSources:\n  - ${source}\n`,
  });
  const lake = "{ id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: raw/ } }";

  test("without `accountId` and `identityStoreId` nothing is planned, and each error names its key", () => {
    const r = load({ policies, inventory: inventory(lake), config: "s3:\n  principalMode: identity-center\n" });
    expect(r.estate).toBeUndefined();
    expect(r.issues).toEqual([
      {
        severity: "error",
        code: "s3-account-missing",
        message: "`s3.accountId` is not set, but S3 data sources (`lake`) need it",
        file: "accessplane.yaml",
        path: "s3.accountId",
        line: 1,
        help: 'set `s3.accountId` to the 12-digit AWS account of the S3 Access Grants instance, e.g. `accountId: "123456789012"`',
      },
      {
        severity: "error",
        code: "s3-identity-store-missing",
        message: "`s3.identityStoreId` is not set, but identity-center data sources (`lake`) get a directory group per policy",
        file: "accessplane.yaml",
        path: "s3.identityStoreId",
        line: 1,
        help: "set `s3.identityStoreId` to the identity store of the Identity Center instance (`d-` and ten hex digits), or grant to each directory user with `identityCenterGrantee: user`",
      },
    ]);
  });

  test("grants to directory users need no identity store; IAM modes need only the account", () => {
    expect(
      load({ policies, inventory: inventory(lake), config: 's3:\n  identityCenterGrantee: user\n  accountId: "406321587214"\n' }).issues,
    ).toEqual([]);
    expect(
      load({ policies, inventory: inventory(lake), config: 's3:\n  principalMode: iam-role-per-user\n  accountId: "406321587214"\n' })
        .issues,
    ).toEqual([]);
  });

  test("an estate without S3 data sources needs neither", () => {
    expect(load({ policies: {}, inventory: { "inv.yaml": "users: []\n" } }).issues).toEqual([]);
  });

  test("the placeholder defaults are gone", () => {
    expect(Config.parse({}).s3).toEqual({
      principalMode: "identity-center",
      identityCenterGrantee: "group",
      locations: [],
      manageInstance: false,
      maxRolesPerAccount: 5000,
    });
  });

  test("a data source outside every location is an error at its location", () => {
    const config =
      's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n  locations:\n    - { id: landing, scope: "s3://acme-landing/" }\n';
    const r = load({ policies, inventory: inventory(lake), config });
    expect(r.issues).toEqual([
      {
        severity: "error",
        code: "s3-outside-locations",
        message: "`lake` (`s3://acme-lake/raw/`) lies outside every S3 Access Grants location (`s3://acme-landing/`)",
        file: "inv.yaml",
        path: "dataSources[0].location",
        line: 4,
        help: 'register a location whose scope holds it and list it under `s3.locations` (`{ id, scope: "s3://bucket/" }`), or fix the data source\'s bucket or prefix',
      },
    ]);
  });

  test("bad locations are reported together: scope form, duplicates, both forms of configuration", () => {
    const config = [
      "s3:",
      "  identityStoreId: d-9067a1b2c3",
      '  accountId: "406321587214"',
      "  accessGrantsLocationId: default",
      "  locations:",
      '    - { id: default, scope: "s3://" }',
      '    - { id: landing, scope: "s3://acme-landing" }',
      '    - { id: lake, scope: "s3://acme-lake/raw*" }',
      '    - { id: default, scope: "s3://acme-lake/" }',
      "",
    ].join("\n");
    const r = load({ policies, inventory: inventory(lake), config });
    expect(r.issues.map((i) => `${i.code} ${i.path} ${i.line}`)).toEqual([
      "s3-location-conflict s3.accessGrantsLocationId 4",
      "s3-location-scope-invalid s3.locations[1].scope 7",
      "s3-location-scope-invalid s3.locations[2].scope 8",
      "s3-location-duplicate s3.locations[3] 9",
    ]);
    expect(r.issues.find((i) => i.code === "s3-location-scope-invalid")).toEqual({
      severity: "error",
      code: "s3-location-scope-invalid",
      message: "location `landing` has scope `s3://acme-landing`, which is not `s3://`, a bucket or a prefix ending in `/`",
      file: "accessplane.yaml",
      path: "s3.locations[1].scope",
      line: 7,
      help: "write the scope as S3 Access Grants appends sub-prefixes to it: `s3://`, `s3://acme-landing/` or `s3://acme-landing/sales/`, without `*`",
    });
  });

  test("`manageInstance` needs the Identity Center instance and each location's role", () => {
    const config =
      's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n  manageInstance: true\n  locations:\n    - { id: default, scope: "s3://" }\n';
    const r = load({ policies, inventory: inventory(lake), config });
    expect(r.issues.map((i) => `${i.code} ${i.path} ${i.line}: ${i.message}`)).toEqual([
      "s3-identity-center-missing s3.identityCenterArn 1: `s3.identityCenterArn` is not set, but `s3.manageInstance` creates the Access Grants instance and directory users and groups can be grantees only when it is associated with Identity Center",
      "s3-location-role-missing s3.locations[0] 6: location `default` has no `iamRoleArn`, but `s3.manageInstance` registers it",
    ]);
  });

  test("a `*` in a prefix is refused: S3 Access Grants would read it as a wildcard", () => {
    const r = load({
      policies,
      inventory: inventory("{ id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: raw*/ } }"),
      config: 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n',
    });
    expect(r.issues.map((i) => `${i.code} ${i.path}: ${i.message}`)).toEqual([
      "s3-wildcard-in-location dataSources[0].location.prefix: `lake` has `*` in its prefix `raw*/`, which S3 Access Grants reads as a wildcard",
    ]);
  });

  test("hostile bucket names are refused before they reach a grant", () => {
    const config = 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n';
    const codes = ["acme-lake/raw", "ACME", "acme*", "a", "acme-lake\\n"].map((b) => {
      const r = load({
        policies,
        inventory: inventory(`{ id: lake, platform: s3, objectType: BUCKET, location: { bucket: ${JSON.stringify(b)} } }`),
        config,
      });
      return r.issues.map((i) => `${i.code} ${i.path}`);
    });
    expect(codes).toEqual(Array(5).fill(["s3-bucket-invalid dataSources[0].location.bucket"]));
  });

  test("the example-style estate plans with no issue", () => {
    const e = mustLoad({
      policies,
      inventory: inventory(lake),
      config: 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n',
    });
    expect(buildPlan(e, "2026-06-01T00:00:00Z").issues).toEqual([]);
  });
});
