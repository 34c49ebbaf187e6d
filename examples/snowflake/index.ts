/** The Snowflake example: the policies and inventory beside this file, expanded into grants. */
import * as snowflake from "@pulumi/snowflake";
import { runExample } from "../run";

// The provider reads its credentials from its own configuration or environment, never from inputs.
const provider = new snowflake.Provider("snowflake", {});
export const counts = runExample(__dirname, "snowflake-example", { snowflake: provider }).counts;
