/** The Redshift example: the policies and inventory beside this file, expanded into grants. */
import { runExample } from "../run";

// Redshift uses accessplane's dynamic providers: the connection comes from pulumi config
// (accessplane:redshiftUrl, secret) or ACCESSPLANE_REDSHIFT_URL, never from resource inputs. Each database
// that holds data sources gets its own store and connection: accessplane:redshiftUrls (secret JSON,
// database -> URL) or ACCESSPLANE_REDSHIFT_URL_<DATABASE> override the default URL for that database.
export const counts = runExample(__dirname, "redshift-example").counts;
