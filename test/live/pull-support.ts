/**
 * Shared by the opt-in live pull tests: the gate of the platform's live suite (same variables; the
 * Pulumi CLI is not needed to read a catalog), a PullContext over the real HTTP client with the
 * live variables as the only environment, and the check every pull test makes: the configured
 * table is pulled, with an object type of its platform, and the source reports no error.
 */
import { resolveCredential } from "../../provider/connectors/credentials";
import { httpClient } from "../../provider/connectors/http";
import { compileScope } from "../../provider/connectors/scope";
import type { Connector, PullContext, PullResult } from "../../provider/connectors/types";
import { OBJECT_TYPES } from "../../provider/model/schema";
import { type GateSpec, liveGate, redacted, secretsOf, type LiveSpec, type LiveVars } from "./support";

/** Registers a live pull suite: skipped saying what to set, failing naming what is missing, or `body`. */
export function describePull(spec: GateSpec, body: (vars: LiveVars) => void): void {
  describe(`live ${spec.title} pull`, () => {
    const gate = liveGate(spec, process.env, true);
    test(`the live ${spec.title} pull gate reads ACCESSPLANE_LIVE_${spec.key}`, () => {
      expect(liveGate(spec, {}, true).kind).toBe("skip");
    });
    if (gate.kind === "skip") test.skip(gate.reason.replace(/ test skipped/, " pull test skipped"), () => undefined);
    else if (gate.kind === "fail") {
      test(`live ${spec.title} pull test is configured`, () => {
        throw new Error(gate.reason);
      });
    } else describe("against the live catalog", () => body(gate.vars));
  });
}

/** A PullContext whose environment is the live variables (`{ env: "DEPLOY_TOKEN" }` names one). */
export function liveContext(vars: LiveVars, include: string[]): PullContext {
  return {
    source: "live",
    scope: compileScope(include),
    credential: (ref) => resolveCredential(ref, { ...vars }, "live"),
    http: httpClient(),
    progress: () => undefined,
    now: () => new Date(),
  };
}

/** Pulls with `connector` and checks the result: `path` pulled, a known type, no error, no secret. */
export async function expectPulled<C>(
  spec: LiveSpec,
  vars: LiveVars,
  connector: Connector<C>,
  config: unknown,
  path: string[],
  include = [path.join(".")],
): Promise<PullResult> {
  const secrets = secretsOf(spec, vars);
  let r: PullResult;
  try {
    r = await connector.pull(connector.configSchema.parse(config), liveContext(vars, include));
  } catch (e) {
    throw redacted(e, secrets);
  }
  const text = JSON.stringify(r);
  for (const s of secrets) expect(text).not.toContain(s);
  expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
  const o = (r.objects ?? []).find((x) => path.every((p, i) => Object.values(x.location)[i] === p));
  expect(o).toBeDefined();
  expect(OBJECT_TYPES[spec.platform] as readonly string[]).toContain(o!.objectType);
  return r;
}

/**
 * Pulls an identity source with `connector` and checks the result: users read (the configured one
 * among them when `user` is set), every membership naming a pulled group, no error, no secret.
 */
export async function expectIdentities<C>(
  spec: GateSpec,
  vars: LiveVars,
  connector: Connector<C>,
  config: unknown,
  user?: string,
): Promise<PullResult> {
  const secrets = secretsOf(spec, vars);
  let r: PullResult;
  try {
    r = await connector.pull(connector.configSchema.parse(config), liveContext(vars, []));
  } catch (e) {
    throw redacted(e, secrets);
  }
  const text = JSON.stringify(r);
  for (const s of secrets) expect(text).not.toContain(s);
  expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
  expect((r.users ?? []).length).toBeGreaterThan(0);
  if (user !== undefined) expect(text).toContain(JSON.stringify(user));
  const groups = new Set((r.groups ?? []).map((g) => g.externalId));
  for (const u of r.users ?? []) for (const g of u.groups ?? []) expect(groups.has(g)).toBe(true);
  return r;
}
