/** The Amazon S3 Access Grants example: the policies and inventory beside this file, expanded into grants. */
import * as aws from "@pulumi/aws";
import { runExample } from "../run";

// The provider reads its credentials from its own configuration or environment, never from inputs.
const provider = new aws.Provider("aws", {});
export const counts = runExample(__dirname, "s3-example", { s3: provider }).counts;
