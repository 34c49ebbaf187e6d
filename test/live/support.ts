/**
 * Shared machinery of the opt-in live tests: the gate (skip with what to set, fail naming missing
 * variables, skip without the Pulumi CLI), a one-policy estate built in memory, a deployment through
 * the Automation API on a local file backend in a temporary directory, and redaction of every
 * credential from failures. Nothing here talks to a platform unless its gate opens.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { parseEstate } from "../../provider/model/load";
import type { Estate } from "../../provider/model/estate";
import { buildPlan } from "../../provider/plan/build";
import type { AccessEntry } from "../../provider/plan/types";
import type { Platform } from "../../provider/model/schema";
import type { Providers } from "../../provider/pulumi/context";
import { redact } from "../../provider/pulumi/dynamic/errors";

/** One live platform: its accessplane id, title, opt-in suffix and the variables it needs. */
export interface LiveSpec {
  platform: Platform;
  title: string;
  /** `SNOWFLAKE` for `ACCESSPLANE_LIVE_SNOWFLAKE=1` and `ACCESSPLANE_LIVE_SNOWFLAKE_*`. */
  key: string;
  /** Variable suffixes that must be set (`ACCOUNT` for `ACCESSPLANE_LIVE_SNOWFLAKE_ACCOUNT`). */
  required: readonly string[];
  /** Variable suffixes whose values are credentials: redacted from every failure. */
  secrets: readonly string[];
  /** An extra prerequisite (a module that is not installed): the skip reason, or undefined. */
  missing?: () => string | undefined;
}

/**
 * What the gate needs of a live suite: a LiveSpec, or one of a source that is no platform (an
 * identity provider), which names its test file.
 */
export type GateSpec = Omit<LiveSpec, "platform"> & { platform?: Platform; file?: string };

/** The live variables of one platform, by suffix (`vars.ACCOUNT`). */
export type LiveVars = Readonly<Record<string, string>>;

/** Whether the suite runs, is skipped (and why) or is misconfigured (and what is missing). */
export type LiveGate =
  { kind: "skip"; reason: string } | { kind: "fail"; reason: string } | { kind: "run"; vars: LiveVars; reason?: undefined };

/** The full name of one live variable. */
export const liveVar = (spec: GateSpec, suffix: string) => `ACCESSPLANE_LIVE_${spec.key}_${suffix}`;

/** Whether an executable named `pulumi` is on PATH (the Automation API drives the CLI). */
export function pulumiOnPath(env: NodeJS.ProcessEnv = process.env): boolean {
  const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      try {
        fs.accessSync(path.join(dir, n), fs.constants.X_OK);
        return true;
      } catch {
        // not here
      }
    }
  }
  return false;
}

const NO_CLI = "the Automation API needs the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/)";

/** Decides whether a platform's live suite runs; reads only the environment. */
export function liveGate(spec: GateSpec, env: NodeJS.ProcessEnv = process.env, hasCli = pulumiOnPath(env)): LiveGate {
  const optIn = `ACCESSPLANE_LIVE_${spec.key}`;
  if (env[optIn] !== "1") {
    const all = spec.required.map((s) => liveVar(spec, s)).join(", ");
    const cli = hasCli ? "" : `; ${NO_CLI}`;
    return {
      kind: "skip",
      reason: `live ${spec.title} test skipped: set ${optIn}=1 and ${all} (see the header of test/live/${spec.file ?? `${spec.platform}.live.test.ts`})${cli}`,
    };
  }
  const missing = spec.required.filter((s) => !env[liveVar(spec, s)]);
  if (missing.length > 0) {
    return {
      kind: "fail",
      reason: `live ${spec.title} test: ${optIn}=1 but ${missing.map((s) => liveVar(spec, s)).join(", ")} ${missing.length === 1 ? "is" : "are"} not set`,
    };
  }
  if (!hasCli) return { kind: "skip", reason: `live ${spec.title} test skipped: ${NO_CLI}` };
  const extra = spec.missing?.();
  if (extra) return { kind: "skip", reason: `live ${spec.title} test skipped: ${extra}` };
  const vars: Record<string, string> = {};
  const prefix = `${optIn}_`;
  for (const [k, v] of Object.entries(env)) if (k.startsWith(prefix) && v !== undefined && v !== "") vars[k.slice(prefix.length)] = v;
  return { kind: "run", vars };
}

/**
 * Registers a platform's live suite: one skipped test whose title says what to set, one failing
 * test naming the missing variables, or `body` with the variables.
 */
export function describeLive(spec: LiveSpec, body: (vars: LiveVars) => void): void {
  describe(`live ${spec.title}`, () => {
    // Pure and instant: also makes Jest list the skip reason (a file of skipped tests only is not listed).
    test(`the live ${spec.title} gate skips, names missing variables and needs the Pulumi CLI`, () => {
      const optIn = `ACCESSPLANE_LIVE_${spec.key}`;
      expect(liveGate(spec, {}, true).kind).toBe("skip");
      const missing = liveGate(spec, { [optIn]: "1" }, true);
      expect(missing.kind).toBe("fail");
      for (const s of spec.required) expect(missing.reason).toContain(liveVar(spec, s));
      const full = Object.fromEntries([[optIn, "1"], ...spec.required.map((s) => [liveVar(spec, s), "x"])]);
      expect(liveGate(spec, full, false)).toEqual({ kind: "skip", reason: `live ${spec.title} test skipped: ${NO_CLI}` });
    });
    const gate = liveGate(spec);
    if (gate.kind === "skip") test.skip(gate.reason, () => undefined);
    else if (gate.kind === "fail") {
      test(`live ${spec.title} test is configured`, () => {
        throw new Error(gate.reason);
      });
    } else describe("deployed with pulumi up", () => body(gate.vars));
  });
}

/** Every credential of a platform's live variables, for redaction. */
export function secretsOf(spec: GateSpec, vars: LiveVars): string[] {
  return spec.secrets.map((s) => vars[s]).filter((v): v is string => v !== undefined && v !== "");
}

/** An error whose message has every credential replaced by `***` (and no stack or cause that could hold one). */
export function redacted(e: unknown, secrets: readonly string[]): Error {
  const text = e instanceof Error ? e.message : String(e);
  const out = new Error(redact(text, secrets));
  out.stack = out.message;
  return out;
}

/** Splits `a.b.c` into exactly `n` non-empty parts, or fails naming the variable. */
export function parts(spec: GateSpec, vars: LiveVars, suffix: string, n: number): string[] {
  const value = vars[suffix] ?? "";
  const ps = value.split(".");
  if (ps.length !== n || ps.some((p) => p === "")) {
    throw new Error(
      `${liveVar(spec, suffix)} must have ${n} dot-separated parts (e.g. ${Array.from({ length: n }, (_, i) => `part${i + 1}`).join(".")})`,
    );
  }
  return ps;
}

/** A short suffix unique to this run, so concurrent live runs never share roles or groups. */
export const runId = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** What the one-policy live estate needs from a platform. */
export interface LiveEstateArgs {
  platform: Platform;
  /** The identity key of the platform (`snowflake`, `databricks`, `iamRole`, ...). */
  identityKey: string;
  subscriber: string;
  outsider: string;
  /** The data source, without `id` and `tags`: `{ platform, objectType, location }`. */
  dataSource: Record<string, unknown>;
  /** Platform configuration (the accessplane.yaml document). */
  config?: Record<string, unknown>;
  run: string;
}

/** The one-policy estate: `subscriber` in the subscribed group, `outsider` in another, one data source. */
export function liveEstate(a: LiveEstateArgs): { estate: Estate; policy: string } {
  const policy = `live-read-${a.run}`;
  const doc = (v: unknown) => JSON.stringify(v, null, 2);
  const r = parseEstate({
    policies: [
      {
        path: "live.yaml",
        content: doc({
          name: policy,
          access: "read",
          subscribers: { when: { group: "live-subscribers" } },
          dataSources: { tags: { anyOf: ["live"] } },
        }),
      },
    ],
    inventory: [
      {
        path: "inventory.yaml",
        content: doc({
          users: [
            { id: "live-subscriber", groups: ["live-subscribers"], identities: { [a.identityKey]: a.subscriber } },
            { id: "live-outsider", groups: ["live-others"], identities: { [a.identityKey]: a.outsider } },
          ],
          groups: [{ id: "live-subscribers" }, { id: "live-others" }],
          dataSources: [{ id: "live-source", tags: ["live"], ...a.dataSource }],
        }),
      },
    ],
    config: { path: "accessplane.yaml", content: doc(a.config ?? {}) },
  });
  if (!r.estate) throw new Error("the live estate has errors:\n" + r.issues.map((i) => JSON.stringify(i)).join("\n"));
  return { estate: r.estate, policy };
}

/** The plan entry of the subscriber (the object to query), or a failure saying the plan grants nothing. */
export function subscriberEntry(estate: Estate): AccessEntry {
  const plan = buildPlan(estate, new Date());
  const entry = plan.access.find((e) => e.user === "live-subscriber" && e.dataSource === "live-source");
  if (!entry) throw new Error("the live plan grants the subscriber nothing");
  if (plan.access.some((e) => e.user === "live-outsider")) throw new Error("the live plan grants the outsider access");
  return entry;
}

/** A deployed live stack, for `destroyLive`. */
export interface LiveStack {
  stack: Stack;
  dir: string;
  outputs: Record<string, unknown>;
}

/** What `deployLive` deploys. */
export interface DeployArgs {
  spec: LiveSpec;
  vars: LiveVars;
  estate: Estate;
  /** Explicit providers, created inside the program. */
  providers?: () => Providers;
  /** Pulumi config of the dynamic providers (`accessplane:trinoUrl`, ...): always set as secrets. */
  secretConfig?: Record<string, string>;
  /** Resource plugins the program uses, by package name (`snowflake`): installed at the version in node_modules. */
  plugins?: readonly string[];
  run: string;
}

/** A started deployment: set as soon as the stack exists, so `afterAll` destroys even a failed `up`. */
export interface LiveHandle {
  current?: LiveStack;
}

/**
 * `pulumi up` of the estate through the Automation API: an inline program creating one
 * AccessEstate with the given providers, on a file backend in a fresh temporary directory.
 */
export async function deployLive(a: DeployArgs, handle: LiveHandle): Promise<LiveStack> {
  const secrets = secretsOf(a.spec, a.vars);
  // Loaded only here: skipped suites never pay for the Automation API or the component tree.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const { AccessEstate } = await import("../../provider/pulumi/estate");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-live-"));
  const backend = path.join(dir, "state");
  fs.mkdirSync(backend);
  const projectName = "accessplane-live";
  const program = async (): Promise<Record<string, pulumi.Input<unknown>>> => {
    const estate = new AccessEstate("live", { ...a.estate, providers: a.providers?.() ?? {} });
    return { principals: estate.principalNames, counts: estate.counts };
  };
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: `live-${a.run}`, projectName, program },
      {
        workDir: dir,
        envVars: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: `live-${a.run}`, PULUMI_SKIP_UPDATE_CHECK: "true" },
        projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${backend}` } },
      },
    );
    handle.current = { stack, dir, outputs: {} };
    for (const name of a.plugins ?? []) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const version = (require(`@pulumi/${name}/package.json`) as { version: string }).version;
      await stack.workspace.installPlugin(name, `v${version}`);
    }
    const config = Object.fromEntries(Object.entries(a.secretConfig ?? {}).map(([k, value]) => [k, { value, secret: true }]));
    if (Object.keys(config).length > 0) await stack.setAllConfig(config);
    const up = await stack.up();
    handle.current.outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    return handle.current;
  } catch (e) {
    // No stack yet: nothing to destroy, so nothing in the directory is worth keeping.
    if (!handle.current) fs.rmSync(dir, { recursive: true, force: true });
    throw redacted(e, secrets);
  }
}

/** `pulumi destroy` and removal of the stack and its temporary directory; always runs every step. */
export async function destroyLive(spec: LiveSpec, vars: LiveVars, handle: LiveHandle): Promise<void> {
  const live = handle.current;
  if (!live) return;
  const failures: string[] = [];
  try {
    await live.stack.destroy();
  } catch (e) {
    failures.push(`destroy: ${redacted(e, secretsOf(spec, vars)).message}`);
  }
  try {
    await live.stack.workspace.removeStack(live.stack.name);
  } catch (e) {
    failures.push(`remove stack: ${redacted(e, secretsOf(spec, vars)).message}`);
  }
  if (failures.length === 0) fs.rmSync(live.dir, { recursive: true, force: true });
  else failures.push(`the stack state is kept in ${live.dir} for a manual \`pulumi destroy\``);
  handle.current = undefined;
  if (failures.length > 0) throw new Error(failures.join("\n"));
}

/**
 * Registers the live scenario: deploy in `beforeAll`, the subscribed and the unsubscribed query as
 * tests, destroy in `afterAll` (always, even after a failed deploy or query).
 */
export function liveScenario(
  spec: LiveSpec,
  vars: LiveVars,
  deploy: () => DeployArgs & { entry: AccessEntry },
  queries: {
    subscribed: (entry: AccessEntry, outputs: Record<string, unknown>) => Promise<void>;
    unsubscribed: (entry: AccessEntry, outputs: Record<string, unknown>) => Promise<void>;
  },
): void {
  const handle: LiveHandle = {};
  const secrets = secretsOf(spec, vars);
  let entry: AccessEntry | undefined;
  let outputs: Record<string, unknown> = {};
  const ready = () => {
    if (!entry) throw new Error(`live ${spec.title}: the deployment did not complete`);
    return entry;
  };
  beforeAll(async () => {
    const args = deploy();
    entry = args.entry;
    outputs = (await deployLive(args, handle)).outputs;
  }, 20 * 60_000);
  afterAll(() => destroyLive(spec, vars, handle), 20 * 60_000);
  test(
    `a subscribed user reads the ${spec.title} data source`,
    async () => {
      await queries.subscribed(ready(), outputs).catch((e: unknown) => Promise.reject(redacted(e, secrets)));
    },
    5 * 60_000,
  );
  test(
    `an unsubscribed user is denied the ${spec.title} data source`,
    async () => {
      await queries.unsubscribed(ready(), outputs).catch((e: unknown) => Promise.reject(redacted(e, secrets)));
    },
    5 * 60_000,
  );
}

/** Fails unless `work` rejects with a message matching `denial` (the platform's permission error). */
export async function expectDenied(work: () => Promise<unknown>, denial: RegExp, what: string): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await work();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (denial.test(message)) return;
    throw new Error(`${what}: failed, but not with the expected denial (${denial.source}): ${message}`);
  }
  throw new Error(`${what}: succeeded (${JSON.stringify(outcome)?.slice(0, 200)}), expected a denial matching ${denial.source}`);
}

/** POSTs JSON with a bearer token; returns status and parsed body (never the request, which holds the token). */
export async function postJson(
  url: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** Whether a module can be resolved from this project (optional SDKs the live tests may use). */
export function hasModule(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
