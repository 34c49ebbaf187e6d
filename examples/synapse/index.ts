/** The Azure Synapse Analytics example: the policies and inventory beside this file, expanded into grants. */
import { runExample } from "../run";

// Azure Synapse Analytics uses accessplane's dynamic providers: the connection comes from pulumi config
// (accessplane:synapseUrl, secret) or ACCESSPLANE_SYNAPSE_URL, never from resource inputs.
export const counts = runExample(__dirname, "synapse-example").counts;
