/**
 * The root Pulumi program: the example estate (policies/ and examples/estate/) expanded into native
 * grants. Copy this file for your own estate, or point the config keys at your directories:
 *   pulumi config set accessplane:policies policies
 *   pulumi config set accessplane:inventory path/to/inventory
 *   pulumi config set accessplane:config path/to/accessplane.yaml
 *   pulumi config set accessplane:platforms snowflake,s3   # deploy a slice of the estate in this stack
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessEstate, loadEstate, formatIssue } from "./provider";
import type { Platform } from "./provider";

const cfg = new pulumi.Config("accessplane");
const loaded = loadEstate({
  policies: cfg.get("policies") ?? "policies",
  inventory: cfg.get("inventory") ?? "examples/estate/inventory",
  config: cfg.get("config") ?? "examples/estate/accessplane.yaml",
});
for (const issue of loaded.issues) {
  if (issue.severity === "warning") void pulumi.log.warn(formatIssue(issue));
}
if (!loaded.estate) {
  throw new Error(`the estate has errors:\n${loaded.issues.filter((i) => i.severity === "error").map(formatIssue).join("\n")}`);
}

const platforms = cfg.get("platforms")?.split(",").map((p) => p.trim()) as Platform[] | undefined;
const estate = new AccessEstate("estate", {
  ...loaded.estate,
  ...(platforms ? { slice: { platforms } } : {}),
});

/** Resource and principal counts of the estate. */
export const counts = estate.counts;
/** The principal (role, group) names of each policy. */
export const principals = estate.principalNames;
