/**
 * The base of every dynamic provider that talks to a platform: it captures the stack config in
 * `configure` and runs each action in one session (open, check, work, close), turning any failure
 * into a `ProviderError` that names the platform, the action and the object, with the
 * connection's secrets redacted.
 *
 * Serialisation: Pulumi captures each provider object with everything its methods reach, so this
 * module and the providers follow the rules that eslint.config.mjs enforces on pulumi/dynamic/**.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type ConfigSnapshot, type Connection, snapshotConfig } from "./connection";
import { providerError } from "./errors";

/** Resource properties as Pulumi hands them to a provider. */
export type Props = Record<string, unknown>;

/** Every input of a dynamic resource may be an Output. */
export type WrappedInputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** Pulumi IDs must be unique and stable; JSON keeps hostile names unambiguous. */
export function resourceId(parts: readonly (string | null)[]): string {
  return JSON.stringify(parts);
}

/** Opens a session on a connection: the production driver, or one a test passes to the constructor. */
export type Connect<C extends Connection, S> = (c: C) => S | Promise<S>;

/**
 * A dynamic provider whose actions each run in one session of type `S` on a connection of type
 * `C`. Subclasses say how to open (`open`), check (`ready`) and close (`close`) a session, and
 * how a failure reads (`fail`, by default `providerError` on the connection's platform).
 */
export abstract class SessionProvider<C extends Connection, S> {
  /** The stack config captured by `configure`; credentials stay in the provider process, never in state. */
  protected config: ConfigSnapshot | undefined;
  private readonly connect: Connect<C, S> | undefined;

  /** `connect` replaces the production driver (tests); production code passes nothing. */
  constructor(connect?: Connect<C, S>) {
    this.connect = connect;
  }

  /** Captures the stack config. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = snapshotConfig(req.config);
  }

  /** Opens a session with the production driver. */
  protected abstract open(c: C): S | Promise<S>;

  /** Checks a freshly opened session before any work runs on it (nothing by default). */
  protected async ready(_c: C, _s: S): Promise<void> {}

  /** Releases a session (nothing by default). */
  protected async close(_s: S): Promise<void> {}

  /** The error reported when `action` on `object` failed with `e`. */
  protected fail(c: C, action: string, object: string, e: unknown): Error {
    return providerError(c.platform, action, object, e, c.secrets);
  }

  /** Runs `work` in one session on `c`, always closing it; every failure becomes `fail`'s error. */
  protected async session<T>(c: C, action: string, object: string, work: (s: S) => Promise<T>): Promise<T> {
    let s: S;
    try {
      s = await (this.connect ? this.connect(c) : this.open(c));
    } catch (e) {
      throw this.fail(c, action, object, e);
    }
    try {
      await this.ready(c, s);
      return await work(s);
    } catch (e) {
      throw this.fail(c, action, object, e);
    } finally {
      await this.close(s);
    }
  }
}
