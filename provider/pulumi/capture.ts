/**
 * Runs the real components under Pulumi mocks and captures what they register: type, name, parent
 * and inputs (secrets redacted). The CLI's `resources` array and the tests use this, so the offline
 * view of resources is never a second implementation.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Estate } from "../model/estate";
import type { Providers, ShardKey } from "./context";
import type { Slice } from "./slice";

/** One registered resource. */
export interface CapturedResource {
  type: string;
  name: string;
  /** The parent resource's name (components form the tree). */
  parent?: string;
  /** The explicit provider reference, when the resource has one. */
  provider?: string;
  /** Resolved inputs, secrets redacted, sorted keys. */
  inputs: Record<string, unknown>;
}

/** Options of a capture run. */
export interface CaptureOptions {
  /** The estate component's name (default `estate`). */
  name?: string;
  slice?: Slice;
  /** Builds providers inside the mocked runtime (providers must be created after mocks are set). */
  providers?: () => Providers;
  /** Keep inputs as registered, serialised dynamic providers included (for audits); default false. */
  raw?: boolean;
}

const SECRET_KEY = /pass(word)?|secret|token|credential|private.?key|connection.?string|^url$/i;

/** Replaces secret-looking values and the serialised dynamic-provider closure. */
export function redact(v: unknown, key = ""): unknown {
  if (key === "__provider") return "[dynamic provider]";
  if (SECRET_KEY.test(key) && v !== undefined && v !== null && v !== "") return "[secret]";
  if (Array.isArray(v)) return v.map((x) => redact(x));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = redact((v as Record<string, unknown>)[k], k);
    return out;
  }
  return v;
}

const whenKnown = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

/** Registers an AccessEstate under mocks and returns every resource it registers, sorted by type and name. */
export async function captureResources(estate: Estate, now: Date | string, opts: CaptureOptions = {}): Promise<CapturedResource[]> {
  return (await captureKeyed(estate, now, opts)).resources;
}

/** A captured resource's platform and shard key (custom resources only). */
export interface CapturedKey extends ShardKey {
  type: string;
  name: string;
}

/** Like `captureResources`, also returning the platform and shard key of every custom resource. */
export async function captureKeyed(
  estate: Estate,
  now: Date | string,
  opts: CaptureOptions = {},
): Promise<{ resources: CapturedResource[]; keys: CapturedKey[] }> {
  // The SDK records a stack trace on every internal promise; with source maps on, formatting them
  // dominates the run. No stack is needed offline, so none is captured while registering.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await capture(estate, now, opts);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

async function capture(
  estate: Estate,
  now: Date | string,
  opts: CaptureOptions,
): Promise<{ resources: CapturedResource[]; keys: CapturedKey[] }> {
  const captured: CapturedResource[] = [];
  const parents = new Map<string, string | undefined>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const parent = parents.get(`${args.type}::${args.name}`);
        captured.push({
          type: args.type,
          name: args.name,
          ...(parent !== undefined ? { parent } : {}),
          ...(args.provider ? { provider: args.provider } : {}),
          inputs: (opts.raw ? args.inputs : redact(args.inputs)) as Record<string, unknown>,
        });
        // A group's id is the id a lookup by its name returns (the mocked `call` below), as in the
        // account: a `members` stack looks up the groups another stack creates.
        const id =
          args.type === "databricks:index/group:Group"
            ? `group:${String(args.inputs.displayName)}`
            : args.type === "aws:identitystore/group:Group"
              ? `gid:${String(args.inputs.displayName)}`
              : undefined;
        return {
          id: id ?? `${args.name}-id`,
          state: {
            ...args.inputs,
            groupId: id ?? `${args.name}-gid`,
            accessGrantsLocationId: `${args.name}-lid`,
            tableId: args.inputs.tableId,
            datasetId: args.inputs.datasetId,
          },
        };
      },
      call(args) {
        // Lookups the emitters make: Databricks users and synced account groups by name.
        if (args.token === "databricks:index/getUser:getUser")
          return { id: `user:${String(args.inputs.userName)}`, userName: args.inputs.userName };
        if (args.token === "databricks:index/getGroup:getGroup")
          return { id: `group:${String(args.inputs.displayName)}`, displayName: args.inputs.displayName };
        if (args.token === "aws:identitystore/getGroup:getGroup") {
          const name = (args.inputs.alternateIdentifier as { uniqueAttribute?: { attributeValue?: string } } | undefined)?.uniqueAttribute
            ?.attributeValue;
          return { id: `gid:${String(name)}`, groupId: `gid:${String(name)}`, displayName: name };
        }
        return args.inputs;
      },
    },
    "accessplane",
    "capture",
    false,
  );
  // Imported after the mocks are set, so every resource module binds to the mocked runtime.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AccessEstate } = require("./estate") as typeof import("./estate");
  const record: pulumi.ResourceTransformation = (a) => {
    parents.set(`${a.type}::${a.name}`, a.opts.parent ? pulumi.resourceName(a.opts.parent) : undefined);
    return undefined;
  };
  const component = new AccessEstate(
    opts.name ?? "estate",
    {
      ...estate,
      now,
      ...(opts.providers ? { providers: opts.providers() } : {}),
      ...(opts.slice ? { slice: opts.slice } : {}),
    },
    { transformations: [record] },
  );
  await component.registered;
  await Promise.all([component, ...component.resources].map((r) => whenKnown(r.urn)));
  await whenKnown(component.counts);
  // Registration (and dynamic-provider serialisation) can outlive the outputs: wait until it is done.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const keys: CapturedKey[] = [];
  for (const [r, k] of component.shardKeys) keys.push({ type: pulumi.resourceType(r), name: pulumi.resourceName(r), ...k });
  return { resources: captured.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name)), keys };
}
