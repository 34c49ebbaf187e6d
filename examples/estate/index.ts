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

// One Databricks workspace serves Unity Catalog and Spark, so their policy groups are shared.
const workspace = new databricks.Provider("workspace", {});
const access = new AccessEstate("example-estate", {
  ...estate,
  providers: {
    snowflake: new snowflake.Provider("snowflake", {}),
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
