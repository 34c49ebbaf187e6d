/**
 * Shared by the Databricks live tests: one statement through the SQL Statement Execution API
 * (`POST /api/2.0/sql/statements`, https://docs.databricks.com/api/workspace/statementexecution/executestatement),
 * waiting up to 50 s; a FAILED or CANCELED state becomes a thrown message with the error code.
 */
// A type import: the SDK is loaded only when the suite runs, so a skipped suite stays instant.
import type * as databricks from "@pulumi/databricks";
import type { Providers } from "../../provider/pulumi/context";
import { postJson, type LiveVars } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDatabricks = () => require("@pulumi/databricks") as typeof databricks;

/** Runs one statement as the holder of `token` on the warehouse of `vars.WAREHOUSE_ID`. */
export async function databricksStatement(vars: LiveVars, token: string, sql: string): Promise<unknown[]> {
  const host = vars.HOST!.replace(/\/+$/, "");
  const r = await postJson(`${host}/api/2.0/sql/statements`, token, {
    statement: sql,
    warehouse_id: vars.WAREHOUSE_ID,
    wait_timeout: "50s",
    on_wait_timeout: "CANCEL",
  });
  const b = (r.body ?? {}) as {
    status?: { state?: string; error?: { error_code?: string; message?: string } };
    result?: { data_array?: unknown[] };
    error_code?: string;
    message?: string;
  };
  if (r.status !== 200)
    throw new Error(`databricks statement API ${r.status} ${b.error_code ?? ""}: ${b.message ?? JSON.stringify(r.body)}`);
  if (b.status?.state !== "SUCCEEDED")
    throw new Error(
      `databricks statement ${b.status?.state ?? "?"} ${b.status?.error?.error_code ?? ""}: ${b.status?.error?.message ?? ""}`,
    );
  return b.result?.data_array ?? [];
}

/** The workspace provider of the deploying token. */
export const databricksProvider = (vars: LiveVars) =>
  new (loadDatabricks().Provider)("live-databricks", { host: vars.HOST, token: vars.DEPLOY_TOKEN });

/** Explicit providers for one Databricks platform; the account-level provider when an account id is given. */
export function databricksProviders(platform: "databricks-unity-catalog" | "databricks-spark", vars: LiveVars): Providers {
  const workspace = databricksProvider(vars);
  const account =
    vars.ACCOUNT_ID && vars.ACCOUNT_HOST
      ? {
          databricksAccount: new (loadDatabricks().Provider)("live-databricks-account", {
            host: vars.ACCOUNT_HOST,
            accountId: vars.ACCOUNT_ID,
            token: vars.ACCOUNT_TOKEN ?? vars.DEPLOY_TOKEN,
          }),
        }
      : {};
  return { [platform]: workspace, ...account };
}

/** Unity Catalog and table ACL denials as the Statement Execution API reports them. */
export const DATABRICKS_DENIAL = /PERMISSION_DENIED|INSUFFICIENT_PERMISSIONS|does not have .*(privilege|permission)|not authorized/i;
