/** The Databricks Spark example: the policies and inventory beside this file, expanded into grants. */
import * as databricks from "@pulumi/databricks";
import { runExample } from "../run";

// The provider reads its credentials from its own configuration or environment, never from inputs.
const provider = new databricks.Provider("databricks", {});
export const counts = runExample(__dirname, "databricks-spark-example", { "databricks-spark": provider }).counts;
