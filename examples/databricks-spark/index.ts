/**
 * The Databricks Spark example: the policies and inventory beside this file, expanded into grants.
 *
 * - `account` (accounts host and account id) creates the policy groups and their members, and
 *   assigns each group to the workspace named by `databricks.workspaceId` in accessplane.yaml
 *   (legacy table ACLs name workspace principals); its identity must be an account admin.
 * - The table ACLs themselves are GRANT and REVOKE statements naming only those groups, run on a SQL
 *   warehouse by accessplane's `SparkTableGrants`, which reads `accessplane:databricksHost`,
 *   `accessplane:databricksWarehouseId` and the secret `accessplane:databricksToken` from the stack
 *   config (or ACCESSPLANE_DATABRICKS_*); that identity must be a workspace admin or own the tables.
 * - `workspace` is used only with `databricksSpark.authoritative: true` (SqlPermissions).
 */
import * as databricks from "@pulumi/databricks";
import { runExample } from "../run";

const account = new databricks.Provider("account", {
  host: "https://accounts.cloud.databricks.com",
  accountId: process.env.DATABRICKS_ACCOUNT_ID,
});
const workspace = new databricks.Provider("workspace", { host: process.env.DATABRICKS_WORKSPACE_HOST });
export const counts = runExample(__dirname, "databricks-spark-example", {
  databricksAccount: account,
  "databricks-spark": workspace,
}).counts;
