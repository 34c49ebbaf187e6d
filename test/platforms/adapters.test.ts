/** The registry and each adapter's declared capabilities, identities and principal names. */
import { PLATFORMS, type Platform } from "../../provider/model/schema";
import { ADAPTERS, adapterFor } from "../../provider/platforms";
import { S3_ACTIONS } from "../../provider/platforms/s3";
import { bound, config, source, SPEC_S3_READ_ACTIONS, SPEC_S3_READWRITE_ACTIONS } from "./support";

describe("registry", () => {
  it("holds exactly one adapter per platform, under its own id", () => {
    expect(Object.keys(ADAPTERS).sort()).toEqual([...PLATFORMS].sort());
    for (const p of PLATFORMS) expect(ADAPTERS[p].platform).toBe(p);
  });

  it("adapterFor finds the adapter of every platform", () => {
    for (const p of PLATFORMS) expect(adapterFor(source(p, ADAPTER_ROWS.find((r) => r[0] === p)![6]))).toBe(ADAPTERS[p]);
  });
});

/** platform, title, supportsWrite, enforcement, identity key, principal of cohort `fin~pii`, an object type. */
const ADAPTER_ROWS: [Platform, string, boolean, string, string, string, string][] = [
  ["snowflake", "Snowflake", true, "grants", "snowflake", "AP_FIN_PII", "VIEW"],
  ["databricks-unity-catalog", "Databricks Unity Catalog", true, "grants", "databricks", "ap-fin--pii", "MANAGED"],
  ["databricks-spark", "Databricks Spark", false, "cluster", "databricks", "ap-fin--pii", "TABLE"],
  ["trino", "Starburst (Trino)", true, "cluster", "trino", "ap-fin--pii", "BASE TABLE"],
  ["redshift", "Redshift", false, "views", "redshift", "ap-fin--pii", "BASE TABLE"],
  ["synapse", "Azure Synapse Analytics", false, "views", "synapse", "ap-fin--pii", "BASE TABLE"],
  ["bigquery", "Google BigQuery", false, "views", "bigquery", "ap-fin--pii", "BASE TABLE"],
  ["s3", "Amazon S3", true, "access-grants", "identityCenter", "ap-fin--pii", "PREFIX"],
];

describe("adapters", () => {
  it.each(ADAPTER_ROWS)("%s: %s, write %s, %s, identity %s, principal %s", (p, title, write, enforcement, key, principal, objectType) => {
    const b = bound(source(p, objectType));
    expect([b.adapter.title, b.adapter.supportsWrite, b.adapter.enforcement, b.identityKey()]).toEqual([title, write, enforcement, key]);
    expect(b.adapter.principalName("fin~pii", config())).toBe(principal);
  });

  it("merge is a sorted union everywhere but S3", () => {
    for (const p of PLATFORMS.filter((x) => x !== "s3")) {
      expect([p, ADAPTERS[p].merge(["SELECT", "INSERT"], ["DELETE", "SELECT"])]).toEqual([p, ["DELETE", "INSERT", "SELECT"]]);
      expect([p, ADAPTERS[p].implied("SELECT")]).toEqual([p, ["SELECT"]]);
    }
  });
});

describe("s3", () => {
  const ds = (extra: Record<string, unknown> = {}) => source("s3", "PREFIX", extra);

  it("merge keeps the stronger access level only", () => {
    expect(ADAPTERS.s3.merge(["READ"], ["READ"])).toEqual(["READ"]);
    expect(ADAPTERS.s3.merge(["READ"], ["READWRITE"])).toEqual(["READWRITE"]);
    expect(ADAPTERS.s3.merge(["READWRITE"], ["READ"])).toEqual(["READWRITE"]);
    expect(ADAPTERS.s3.merge(["READWRITE"], ["READWRITE"])).toEqual(["READWRITE"]);
  });

  it("implied gives SPEC.md's exact action lists, in SPEC.md's order", () => {
    expect(ADAPTERS.s3.implied("READ")).toEqual(SPEC_S3_READ_ACTIONS);
    expect(ADAPTERS.s3.implied("READWRITE")).toEqual(SPEC_S3_READWRITE_ACTIONS);
    expect(ADAPTERS.s3.implied("READ").length).toBe(9);
    expect(ADAPTERS.s3.implied("READWRITE").length).toBe(16);
  });

  it("extras name the strongest level and a copy of its actions", () => {
    const extras = bound(ds()).extras(["READ", "READWRITE"]);
    expect(extras).toEqual({ accessLevel: "READWRITE", actions: [...S3_ACTIONS.READWRITE] });
    expect(extras.actions).not.toBe(S3_ACTIONS.READWRITE);
    expect(bound(ds()).extras([])).toEqual({});
  });

  it.each([
    [{}, {}, "identityCenter"],
    [{ s3: { principalMode: "iam-role-per-user" } }, {}, "iamRole"],
    [{ s3: { principalMode: "shared-iam-role" } }, {}, "iamRole"],
    [{ s3: { principalMode: "shared-iam-role" } }, { principalMode: "identity-center" }, "identityCenter"],
    [{}, { principalMode: "iam-role-per-user" }, "iamRole"],
  ])("config %j, data source %j: identity %s", (c, extra, key) => {
    const b = bound(ds(extra));
    expect(b.identityKey(config(c))).toBe(key);
  });

  it.each([
    ["PREFIX", { location: { bucket: "b" } }, "prefix"],
    ["PREFIX", { location: { bucket: "b", prefix: "" } }, "prefix"],
    ["OBJECT", { location: { bucket: "b", prefix: "p/" } }, "object"],
  ])("a %s without its key %j grants nothing rather than the whole bucket", (objectType, extra, key) => {
    const b = bound(source("s3", objectType, { id: "s3.x", ...extra }));
    expect(b.privileges("write")).toEqual({
      privileges: [],
      notes: [
        {
          code: "s3-scope-missing",
          message: `\`s3.x\` is an S3 ${objectType.toLowerCase()} without \`location.${key}\`, so write grants nothing on it`,
          help: `set \`location.${key}\` on the data source, or make it a \`BUCKET\` if the whole bucket is meant`,
        },
      ],
    });
    expect(b.tableKey()).toBe(`${objectType}|false`);
  });

  it("a bucket ignores any prefix or object key in its location", () => {
    const b = bound(source("s3", "BUCKET"));
    expect([b.privileges("read").privileges, b.target().object, b.tableKey()]).toEqual([["READ"], "s3://acme-landing", "BUCKET|true"]);
  });
});
