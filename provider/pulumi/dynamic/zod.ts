/**
 * The one way code a dynamic provider reaches gets at zod. A zod schema cannot be captured by
 * Pulumi's closure serialisation (its methods reach zod's internal modules, which are not requirable
 * by name), so schemas are built on demand by builder functions (`xxxSchema()`) calling `zod()`;
 * the lint rules in eslint.config.mjs keep it so.
 */
import type { z } from "zod";

/** The `z` namespace of zod, required on each call (nothing is cached: a cache would be captured). */
export function zod(): typeof z {
  // `require` resolves from the project's node_modules, in the program and in the provider host alike.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("zod") as typeof import("zod")).z;
}
