/** The Google BigQuery example: the policies and inventory beside this file, expanded into grants. */
import * as gcp from "@pulumi/gcp";
import { runExample } from "../run";

// The provider reads its credentials from its own configuration or environment, never from inputs.
const provider = new gcp.Provider("gcp", {});
export const counts = runExample(__dirname, "bigquery-example", { bigquery: provider }).counts;
