/**
 * The root Pulumi program: the estate named by the repository's project file, accessplane.yaml
 * (the bundled example: policies/ and examples/estate/), expanded into native grants; the same file
 * `npx accessplane plan` reads. A policy repository of your own starts from `npx accessplane init`.
 *   pulumi config set accessplane:platforms snowflake,s3   # deploy a slice of the estate in this stack
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessEstate, formatIssue, loadEstate } from "./provider";
import type { Platform } from "./provider";

// Throws one InputError listing every issue (file:line, code, message, help) when the estate has errors.
const estate = loadEstate("accessplane.yaml");
for (const warning of estate.warnings) void pulumi.log.warn(formatIssue(warning));

const cfg = new pulumi.Config("accessplane");
const platforms = cfg.get("platforms")?.split(",").map((p) => p.trim()) as Platform[] | undefined;
const access = new AccessEstate("estate", {
  ...estate,
  ...(platforms ? { slice: { platforms } } : {}),
});

/** Resource and principal counts of the estate. */
export const counts = access.counts;
/** The principal (role, group) names of each policy. */
export const principals = access.principalNames;
