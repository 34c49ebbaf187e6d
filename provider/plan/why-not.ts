/**
 * Why not: the data sources a policy selects for a user but the user does not hold, because a
 * guardrail blocks the user, the user's approval or selection has expired, or the user has no
 * identity on the platform. Derived from `explain`, which is built on the resolver itself, so the
 * reasons can never disagree with the plan.
 */
import type { Estate } from "../model/estate";
import { type Explanation, explain } from "./explain";
import { shortInstant } from "./render/time";

/** One data source a user was kept off, and why. */
export interface KeptOff {
  user: string;
  dataSource: string;
  policy: string;
  reason: "guardrail" | "expired-approval" | "expired-selection" | "no-identity";
  /** One line for people. */
  detail: string;
}

/** The data sources `user` was kept off at `now`, from `explain`'s verdicts. */
export function keptOff(e: Explanation): KeptOff[] {
  const holds = new Set(e.access.map((a) => a.dataSource));
  const out: KeptOff[] = [];
  const push = (k: KeptOff) => {
    if (!holds.has(k.dataSource)) out.push(k);
  };
  for (const v of e.grants) {
    if (v.state !== "active") continue;
    if (v.admits) {
      for (const o of v.outcomes) {
        if (o.result === "blocked") {
          const failing = o.gates.filter((g) => !g.passes).map((g) => `\`${g.guardrail}\``);
          push({
            user: e.user,
            dataSource: o.dataSource,
            policy: v.policy,
            reason: "guardrail",
            detail: `blocked by guardrail ${failing.join(", ") || "(none named)"}`,
          });
        } else if (o.result === "no-identity") {
          push({
            user: e.user,
            dataSource: o.dataSource,
            policy: v.policy,
            reason: "no-identity",
            detail: `no \`${o.identity.key}\` identity (add \`identities.${o.identity.key}\` in the inventory)`,
          });
        }
      }
      continue;
    }
    const r = v.restriction;
    if (r.level === "approval" && r.approvals.length > 0 && r.approvals.every((a) => a.status === "expired")) {
      const last = [...r.approvals].sort((a, b) => Date.parse(b.expiresAt ?? b.approvedAt) - Date.parse(a.expiresAt ?? a.approvedAt))[0]!;
      for (const ds of v.dataSources)
        push({
          user: e.user,
          dataSource: ds,
          policy: v.policy,
          reason: "expired-approval",
          detail: `approval by \`${last.approvedBy}\` expired on ${shortInstant(last.expiresAt ?? last.approvedAt)}`,
        });
    } else if (r.level === "users" && r.selections.length > 0 && r.selections.every((s) => !s.inForce)) {
      const last =
        r.selections
          .map((s) => s.expiresAt ?? "")
          .sort()
          .pop() ?? "";
      for (const ds of v.dataSources)
        push({
          user: e.user,
          dataSource: ds,
          policy: v.policy,
          reason: "expired-selection",
          detail: `selection expired on ${last ? shortInstant(last) : "an earlier date"}`,
        });
    }
  }
  return out.sort((a, b) => (a.dataSource < b.dataSource ? -1 : a.dataSource > b.dataSource ? 1 : a.policy < b.policy ? -1 : 1));
}

/** The data sources `user` was kept off at `now` in `estate`. */
export function whyNot(estate: Estate, user: string, now: Date | string): KeptOff[] {
  return keptOff(explain(estate, user, undefined, now));
}
