/**
 * The multi-platform example: the bundled estate (policies/ at the repository root, the inventory
 * and configuration beside this file) on all eight platforms, one provider per platform.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as databricks from "@pulumi/databricks";
import * as gcp from "@pulumi/gcp";
import * as snowflake from "@pulumi/snowflake";
import { AccessEstate, loadEstate } from "../../provider";

// Throws one InputError listing every issue when the estate has errors.
const estate = loadEstate({
  policies: path.join(__dirname, "..", "..", "policies"),
  inventory: path.join(__dirname, "inventory"),
  config: path.join(__dirname, "accessplane.yaml"),
});

// Policy groups are account-level (Unity Catalog grants accept no workspace-local group), created
// through the account provider and shared by Unity Catalog and Spark; grants go through the workspace.
const account = new databricks.Provider("databricks-account", {
  host: "https://accounts.cloud.databricks.com",
  accountId: process.env.DATABRICKS_ACCOUNT_ID,
});
const workspace = new databricks.Provider("workspace", {});
const access = new AccessEstate("example-estate", {
  ...estate,
  providers: {
    snowflake: new snowflake.Provider("snowflake", {}),
    databricksAccount: account,
    "databricks-unity-catalog": workspace,
    "databricks-spark": workspace,
    s3: new aws.Provider("aws", {}),
    bigquery: new gcp.Provider("gcp", {}),
  },
});

/** Resource and principal counts. */
export const counts = access.counts;
/** Principal names per policy. */
export const principals = access.principalNames;
