/**
 * Renders an explanation as an indented tree: ✓ for what holds, ✗ for what fails, per policy,
 * condition, approval and guardrail.
 */
import type { ConditionNode, Explanation, GrantOutcome, PolicyVerdict, RestrictionVerdict } from "../explain";
import { columns, plain, type Style } from "./table";
import { expiresPhrase, shortInstant } from "./time";
import { append } from "../../model/arrays";

const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "none");

function mark(ok: boolean, s: Style): string {
  return ok ? s.green("✓") : s.red("✗");
}

function conditionLines(n: ConditionNode, user: string, s: Style, indent: string): string[] {
  let label: string;
  switch (n.op) {
    case "group":
      label = `group \`${n.name}\``;
      break;
    case "attribute":
      label = `attribute \`${n.name}\` is one of ${list(n.values!)}` + s.dim(` (${user} has ${list(n.has!)})`);
      break;
    case "anyOf":
      label = "any of";
      break;
    case "allOf":
      label = "all of";
      break;
  }
  return [`${indent}${mark(n.holds, s)} ${label}`, ...n.children.flatMap((c) => conditionLines(c, user, s, indent + "  "))];
}

function restrictionLines(r: RestrictionVerdict, v: PolicyVerdict, user: string, now: string, s: Style, indent: string): string[] {
  switch (r.level) {
    case "anyone":
      return [`${indent}${mark(true, s)} anyone: every known user`];
    case "conditions":
      return conditionLines(r.tree, user, s, indent);
    case "users": {
      if (r.selections.length === 0)
        return [`${indent}${mark(false, s)} not among the ${r.selectedCount} selected user${r.selectedCount === 1 ? "" : "s"}`];
      return r.selections.map((x) =>
        x.expiresAt === undefined
          ? `${indent}${mark(x.inForce, s)} selected, without expiry`
          : `${indent}${mark(x.inForce, s)} selected until ${shortInstant(x.expiresAt)}, ${expiresPhrase(now, x.expiresAt)}`,
      );
    }
    case "approval": {
      const who = [
        ...r.approvers.users.map((u) => `\`${u}\``),
        ...r.approvers.groups.map((g) => `members of \`${g}\``),
        ...(r.approvers.owners ? ["the data sources' owners"] : []),
        ...(r.approvers.stewards ? ["the domain's stewards"] : []),
      ].join(", ");
      const out = [`${indent}${s.dim(`approvers: ${who || "none"}`)}`];
      if (r.approvals.length === 0) out.push(`${indent}${mark(false, s)} no approval recorded for ${user}`);
      for (const a of r.approvals) {
        const ok = a.mayApprove && a.status === "in force" && !a.breaks;
        const parts = [`approved by \`${a.approvedBy}\` on ${shortInstant(a.approvedAt)}`];
        if (!a.mayApprove) parts.push(`but \`${a.approvedBy}\` may not approve for \`${v.policy}\``);
        for (const b of a.breaks ?? [])
          parts.push(b === "self-approval" ? "but it is a self-approval" : "but it lasts longer than the policy's `maxDuration`");
        if (a.status === "not yet in force") parts.push("not yet in force");
        else if (a.expiresAt !== undefined) parts.push(`until ${shortInstant(a.expiresAt)}, ${expiresPhrase(now, a.expiresAt)}`);
        else parts.push("without expiry");
        out.push(`${indent}${mark(ok, s)} ${parts.join(", ")}`);
      }
      for (const q of r.requests ?? []) out.push(`${indent}${s.yellow("…")} ${requestPhrase(q)}`);
      return out;
    }
  }
}

function outcomeLine(o: GrantOutcome, user: string, s: Style): string {
  const gates = o.gates.length ? s.dim(`  guardrails: ${o.gates.map((g) => `${g.passes ? "✓" : "✗"} ${g.guardrail}`).join(", ")}`) : "";
  const failing = o.gates
    .filter((g) => !g.passes)
    .map((g) => g.guardrail)
    .join(", ");
  const privs = o.privileges.join(", ");
  const as =
    o.identity.value !== undefined
      ? s.dim(
          ` as ${o.identity.value}${o.through ? `, through synced group ${o.through.group} (${o.through.identity}: the identity provider manages its members)` : ""}`,
        )
      : "";
  switch (o.result) {
    case "granted":
      return `→ ${o.dataSource}: ${s.green(o.access)} ${privs}${as}${gates}`;
    case "downgraded":
      return `→ ${o.dataSource}: ${s.yellow("read")} ${privs}${as}, write limited to read by ${failing}${gates}`;
    case "blocked":
      return `→ ${o.dataSource}: ${s.red("blocked")} by ${failing}, which ${user} does not pass${gates}`;
    case "staged":
      return `→ ${o.dataSource}: would grant ${o.access} ${privs || "nothing"} once active`;
    case "no-identity":
      return `→ ${o.dataSource}: ${s.red("nothing granted")}: ${user} has no \`${o.identity.key}\` identity (add \`identities.${o.identity.key}\` in the inventory)${o.through ? `; synced group ${o.through.group} reaches them whenever the platform has their account` : ""}${gates}`;
    case "nothing-issued":
      return `→ ${o.dataSource}: ${s.red("nothing granted")}: ${o.notes[0] ?? `${o.platform} issues no privilege for ${o.access} here`}${gates}`;
  }
}

function verdictLines(v: PolicyVerdict, e: Explanation, s: Style): string[] {
  const staged = v.state === "staged";
  const head = `  ${mark(v.admits, s)} ${s.bold(v.policy)}  ${v.kind} ${v.access}${staged ? " (staged)" : ""}  ${s.dim(v.file)}`;
  const out = [head];
  if (e.dataSource === undefined) {
    out.push(`      ${s.dim(`selects ${v.dataSources.length ? v.dataSources.join(", ") : "no data source"}`)}`);
  }
  append(out, restrictionLines(v.restriction, v, e.user, e.now, s, "      "));
  if (v.kind === "guardrail") {
    out.push(
      `      → ${v.admits ? `${e.user} passes` : `${e.user} does not pass: it gates ${v.access === "read" ? "all access" : "write access"} here`}`,
    );
    return out;
  }
  if (!v.admits) {
    out.push(`      → does not admit ${e.user}`);
    return out;
  }
  const exp = v.subscription?.expiresAt;
  const via = v.subscription?.approvedBy ? `, approved by \`${v.subscription.approvedBy}\`` : "";
  out.push(
    `      → admits ${e.user}${via}${exp ? `, until ${shortInstant(exp)} (${expiresPhrase(e.now, exp)})` : ""}${staged ? ", but a staged policy grants nothing" : ""}`,
  );
  for (const o of v.outcomes) out.push(`      ${outcomeLine(o, e.user, s)}`);
  return out;
}

/** The explanation as indented text. */
export function explainText(e: Explanation, s: Style = plain): string {
  const out: string[] = [];
  const where = e.dataSource ?? "every data source";
  out.push(s.bold(`accessplane explain ${e.user} on ${where}`) + s.dim(`  at ${shortInstant(e.now)}`));
  out.push("");
  const viaPrincipal = e.principals.some((b) => b.overProvisioned.includes(e.user));
  if (e.access.length === 0 && viaPrincipal) {
    out.push(`${s.cyan(e.user)} has no access to ${where} through a policy, but ${s.red("can use an IAM principal that has it")} (below)`);
  } else if (e.access.length === 0) {
    out.push(`${s.cyan(e.user)} has ${s.red("no access")} to ${where}`);
  } else {
    out.push(`${s.cyan(e.user)} has access to ${e.access.length} data source${e.access.length === 1 ? "" : "s"}:`);
    out.push(
      ...columns(
        e.access.map((a) => [
          a.dataSource,
          a.access === "write" ? s.yellow("write") : s.green("read"),
          a.privileges.join(", "),
          s.dim(`via ${a.policies.join(", ")}`),
          a.expiresAt ? `until ${shortInstant(a.expiresAt)}, ${expiresPhrase(e.now, a.expiresAt)}` : "",
        ]),
        "  ",
      ),
    );
  }
  if (e.principals.length) {
    out.push("", s.bold("Through IAM principals"));
    for (const b of e.principals) {
      out.push(`  ${b.dataSource} via ${b.policy} -> ${b.principal}: everyone behind it: ${b.users.join(", ")}`);
      if (b.overProvisioned.includes(e.user))
        out.push(s.red(`    ${e.user} is over-provisioned: ${e.user} can use it though no policy grants ${e.user} this data source`));
      if (b.futureMembersBypassApproval) out.push(s.yellow("    anyone who joins this role later gains this access without approval"));
    }
  }
  const active = e.grants.filter((v) => v.state === "active");
  const staged = e.grants.filter((v) => v.state === "staged");
  const scope = e.dataSource ? ` that select ${e.dataSource}` : "";
  out.push("", s.bold(`Grant policies${scope}`));
  if (active.length === 0) out.push(`  ${s.dim("none")}`);
  for (const v of active) append(out, verdictLines(v, e, s));
  out.push("", s.bold(`Guardrails${e.dataSource ? ` on ${e.dataSource}` : ""}`));
  if (e.guardrails.length === 0) out.push(`  ${s.dim("none")}`);
  for (const v of e.guardrails) append(out, verdictLines(v, e, s));
  if (staged.length) {
    out.push("", s.bold(`Staged policies${scope} (grant nothing yet)`));
    for (const v of staged) append(out, verdictLines(v, e, s));
  }
  return out.join("\n") + "\n";
}

/** The explanation as JSON. */
export function explainJson(e: Explanation): string {
  return JSON.stringify({ version: 1, ...e }, null, 2) + "\n";
}

/** "requested on 2026-11-20 until 2027-01-01 (quarterly close), pending: may approve `dan`, `eve`". */
export function requestPhrase(q: { requestedAt: string; until?: string; reason?: string; approvers: string[] }): string {
  const until = q.until !== undefined ? ` until ${shortInstant(q.until)}` : "";
  const reason = q.reason !== undefined ? ` (${q.reason})` : "";
  const who = q.approvers.length > 0 ? `may approve: ${q.approvers.map((a) => `\`${a}\``).join(", ")}` : "nobody may approve it";
  return `requested on ${shortInstant(q.requestedAt)}${until}${reason}, pending (grants nothing); ${who}`;
}
