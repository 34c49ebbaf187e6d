/** The Azure Synapse Analytics example: the policies and inventory beside this file, expanded into grants. */
import { runExample } from "../run";

// Azure Synapse Analytics uses accessplane's dynamic providers: the connection comes from pulumi config
// (accessplane:synapseUrl, secret) or ACCESSPLANE_SYNAPSE_URL, never from resource inputs. Each database
// that holds data sources gets its own store and connection: accessplane:synapseUrls (secret JSON,
// database -> URL) or ACCESSPLANE_SYNAPSE_URL_<DATABASE> override the default URL for that database.
export const counts = runExample(__dirname, "synapse-example").counts;
