/**
 * Which connection a view-based provider uses for a database: that database's own setting (pulumi
 * config map, then environment map, then its own variable), else the platform's default; errors
 * name the settings and never echo their secret text.
 */
import { databaseEnvName, viewConnection, type ConfigSnapshot } from "../../provider/pulumi/dynamic/connection";
import { ProviderError } from "../../provider/pulumi/dynamic/errors";

const ENV = ["ACCESSPLANE_REDSHIFT_URL", "ACCESSPLANE_REDSHIFT_URLS", "ACCESSPLANE_REDSHIFT_URL_DW", "ACCESSPLANE_REDSHIFT_URL_MY_DB"];
afterEach(() => ENV.forEach((k) => delete process.env[k]));

const url = (snapshot: ConfigSnapshot, database: string) => viewConnection("redshift", snapshot, database).url;

test("a database's own setting wins over the default, config over environment", () => {
  process.env.ACCESSPLANE_REDSHIFT_URL = "postgres://env-default/dev";
  expect(url({}, "dw")).toBe("postgres://env-default/dev");
  expect(url({ redshiftUrl: "postgres://cfg-default/dev" }, "dw")).toBe("postgres://cfg-default/dev");
  process.env.ACCESSPLANE_REDSHIFT_URL_DW = "postgres://env-dw/dw";
  expect(url({ redshiftUrl: "postgres://cfg-default/dev" }, "dw")).toBe("postgres://env-dw/dw");
  process.env.ACCESSPLANE_REDSHIFT_URLS = JSON.stringify({ dw: "postgres://env-map/dw" });
  expect(url({}, "dw")).toBe("postgres://env-map/dw");
  expect(url({ redshiftUrls: JSON.stringify({ dw: "postgres://cfg-map/dw" }) }, "dw")).toBe("postgres://cfg-map/dw");
  // Another database falls back to the default.
  expect(url({ redshiftUrls: JSON.stringify({ dw: "postgres://cfg-map/dw" }) }, "other")).toBe("postgres://env-default/dev");
  const c = viewConnection("redshift", {}, "dw");
  expect(c.database).toBe("dw");
});

test("per-database variable names upper-case the database and keep only A-Z and 0-9", () => {
  expect(databaseEnvName("redshift", "my-db")).toBe("ACCESSPLANE_REDSHIFT_URL_MY_DB");
  expect(databaseEnvName("synapse", "Sales.2026")).toBe("ACCESSPLANE_SYNAPSE_URL_SALES_2026");
  process.env.ACCESSPLANE_REDSHIFT_URL_MY_DB = "postgres://mine/my-db";
  expect(url({}, "my-db")).toBe("postgres://mine/my-db");
});

test("a map that is not a JSON object of URLs is refused without quoting it", () => {
  for (const bad of ['{"dw": 1}', "[]", "not json postgres://u:s3cret@h/dw", '{"dw": ""}']) {
    let err: unknown;
    try {
      viewConnection("redshift", { redshiftUrls: bad }, "dw");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toBe(
      "redshift: the setting `accessplane:redshiftUrls` (or ACCESSPLANE_REDSHIFT_URLS) is not a JSON object of database names to connection URLs; " +
        'help: set it as a secret, e.g. `pulumi config set --secret accessplane:redshiftUrls \'{"dw":"postgres://..."}\'`',
    );
  }
});
