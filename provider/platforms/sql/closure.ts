/**
 * Helpers that keep the dynamic providers' code serialisable by Pulumi.
 *
 * Pulumi stores each dynamic provider in the state as JavaScript text made by closure
 * serialisation (`pulumi.runtime.serializeFunction`): every value a provider method reaches is
 * captured by value, and the dynamic provider host evaluates the text later. Code a provider
 * reaches (platforms/sql/*, pulumi/dynamic/*) therefore keeps to four rules:
 *
 * - No zod schema in a module-level binding: a schema cannot be captured (its methods reach zod's
 *   internal modules, which are not requirable by name). Schemas are built by builder functions
 *   (`xxxSchema()`) that call `zod()` below; the built constants (`XxxSchema`) live in modules
 *   provider code never imports (platforms/sql/schemas.ts, pulumi/dynamic/input-schemas.ts).
 *   Nothing caches a built schema: a cache filled in the program would be captured with it.
 * - No module-level `Set` or `Map`: they are captured as plain objects, without their entries.
 *   Use arrays and object literals.
 * - An `Error` subclass calls `initError` at the end of its constructor (see there).
 * - No `export const`: declare `const NAME` and list it in `export { NAME }`. tsc (which
 *   `pulumi up` runs through ts-node) compiles a module's own references to an exported const as
 *   `exports.NAME`, and in the serialised text `exports` is no longer that module.
 *
 * test/dynamic/serialize.test.ts serialises every provider and runs the text in a fresh process.
 */
import type { z } from "zod";

/** The `z` namespace of zod, required on each call (nothing is cached: a cache would be captured). */
export function zod(): typeof z {
  // `require` resolves from the project's node_modules, in the program and in the provider host alike.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("zod") as typeof import("zod")).z;
}

/**
 * Finishes constructing an `Error` subclass instance; call it last in the constructor. Pulumi
 * serialises a class by rewriting `super(message)` to `Error.call(this, message)`, which returns
 * a new error and leaves `this` without a message or a stack, so a deserialised provider would
 * throw errors with empty messages. This sets both when `super` did not; otherwise it does nothing.
 */
export function initError(error: Error, message: string): void {
  if (error.message !== message) {
    Object.defineProperty(error, "message", { value: message, writable: true, configurable: true, enumerable: false });
  }
  if (!Object.prototype.hasOwnProperty.call(error, "stack")) Error.captureStackTrace(error);
}
