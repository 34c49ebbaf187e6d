/**
 * The root Pulumi program: the estate named by the repository's project file, accessplane.yaml
 * (the bundled example: policies/ and examples/estate/), expanded into native grants; the same file
 * `npx accessplane plan` reads. A policy repository of your own starts from `npx accessplane init`.
 *   pulumi config set accessplane:platforms snowflake,s3   # deploy a slice of the estate in this stack
 *   pulumi config set accessplane:sliceFromStack true      # the stack's name is its slice, as `accessplane stacks` names them
 *                                                           # (`snowflake`, `snowflake-3-of-12`)
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessEstate, formatIssue, loadEstate, sliceOfStack } from "./provider";
import type { Platform } from "./provider";

// Throws one InputError listing every issue (file:line, code, message, help) when the estate has errors.
const estate = loadEstate("accessplane.yaml");
for (const warning of estate.warnings) void pulumi.log.warn(formatIssue(warning));

const cfg = new pulumi.Config("accessplane");
const platforms = cfg
  .get("platforms")
  ?.split(",")
  .map((p) => p.trim()) as Platform[] | undefined;
const fromStack = cfg.getBoolean("sliceFromStack") ? sliceOfStack(pulumi.getStack()) : undefined;
if (cfg.getBoolean("sliceFromStack") && !fromStack) {
  throw new Error(
    `stack \`${pulumi.getStack()}\` is not named as \`accessplane stacks\` names stacks; help: name it \`<family>\` or \`<family>-<index>-of-<count>\` (a platform, or \`databricks\` for both Databricks platforms), or unset accessplane:sliceFromStack`,
  );
}
const slice = platforms ? { platforms } : fromStack;
const access = new AccessEstate("estate", {
  ...estate,
  ...(slice ? { slice } : {}),
});

/** Resource and principal counts of the estate. */
export const counts = access.counts;
/** The principal (role, group) names of each policy. */
export const principals = access.principalNames;
