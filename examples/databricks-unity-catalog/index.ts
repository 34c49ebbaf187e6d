/**
 * The Databricks Unity Catalog example: the policies and inventory beside this file, expanded into grants.
 *
 * Two providers, because Unity Catalog grants accept only account-level groups:
 * - `account` (accounts host and account id) creates the policy groups and their members; its
 *   identity must be an account admin.
 * - `workspace` (the workspace URL) makes the Unity Catalog grants; its identity must be a metastore
 *   admin, own the securables (or their catalog or schema), or hold MANAGE on them.
 * Both read their credentials from their own environment (e.g. DATABRICKS_CLIENT_ID and
 * DATABRICKS_CLIENT_SECRET of one service principal), never from accessplane's inputs.
 */
import * as databricks from "@pulumi/databricks";
import { runExample } from "../run";

const account = new databricks.Provider("account", {
  host: "https://accounts.cloud.databricks.com",
  accountId: process.env.DATABRICKS_ACCOUNT_ID,
});
const workspace = new databricks.Provider("workspace", { host: process.env.DATABRICKS_WORKSPACE_HOST });
export const counts = runExample(__dirname, "databricks-unity-catalog-example", {
  databricksAccount: account,
  "databricks-unity-catalog": workspace,
}).counts;
