/**
 * zod, loaded when called.
 *
 * Pulumi stores each dynamic provider in the state as JavaScript text made by closure
 * serialisation (`pulumi.runtime.serializeFunction`): every value a provider method reaches is
 * captured by value. A zod schema cannot be captured (its methods reach zod's internal modules,
 * which are not requirable by name), so no schema may sit in a binding the providers reach. Every
 * schema used inside a function is therefore built by a builder function (`xxxSchema()`) that
 * calls this, and the `XxxSchema` constants exported next to the builders are only for program-side
 * code (types, tests). `require` here resolves from the project's node_modules, in the program and
 * in the dynamic provider host alike.
 */
import type { z } from "zod";

/** The `z` namespace of zod, required on each call (nothing is cached: a cache would be captured). */
export function zod(): typeof z {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("zod") as typeof import("zod")).z;
}
