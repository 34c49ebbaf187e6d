/**
 * Helpers that keep the dynamic providers' code serialisable by Pulumi, which captures every
 * value a provider method reaches (`pulumi.runtime.serializeFunction`). The rules that code
 * (platforms/sql, pulumi/dynamic) keeps are lint rules in eslint.config.mjs.
 */

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
