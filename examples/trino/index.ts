/** The Starburst (Trino) example: the policies and inventory beside this file, expanded into grants. */
import { runExample } from "../run";

// Trino, Redshift and Synapse use accessplane's dynamic providers: connection settings come from
// pulumi config (accessplane:trinoUrl, ...) or ACCESSPLANE_* environment variables, never inputs.
export const counts = runExample(__dirname, "trino-example").counts;
