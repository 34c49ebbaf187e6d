/**
 * Stewardship checks over a parsed estate: domains and their stewards, domain rules, domain
 * policies that reach outside their domain, the governance team, and the approval rules
 * (self-approval, `maxDuration`) and pending requests of approval policies.
 */
import type { Issue, IssueCode } from "./issues";
import type { Estate, Locator } from "./estate";
import type { Policy } from "./schema";
import { approvalDefects, type StewardshipContext } from "./stewardship";
import { suggest } from "./suggest";

type Origin = { file: string; path: (string | number)[] } | undefined;

/** Maps estate objects back to where they were written (as the cross-reference checks do). */
export interface StewardshipOrigins {
  policy(p: Policy, sub: (string | number)[]): Origin;
  item(x: object, sub: (string | number)[]): Origin;
  config(sub: (string | number)[]): Origin;
  locate: Locator;
}

/** What the cross-reference checks share with these: issue construction and the indexes. */
export interface StewardshipReporter {
  mk(severity: Issue["severity"], code: IssueCode, message: string, help: string, origin: Origin): Issue;
  origins: StewardshipOrigins;
  users: ReadonlyMap<string, unknown>;
  groups: ReadonlyMap<string, unknown>;
  /** Reports a user who is not in the inventory (a warning, or an error for a likely typo). */
  absentUser(id: string, origin: Origin, what: string, consequence: string): void;
  /** Groups left out for their own errors: references to them are not reported again. */
  rejectedGroups: ReadonlySet<string>;
}

/** Checks stewardship across the estate; pure. */
export function validateStewardship(estate: Estate, ctx: StewardshipContext, r: StewardshipReporter): Issue[] {
  const issues: Issue[] = [];
  const { inventory, config, policies } = estate;
  const domains = inventory.domains ?? [];
  const domainIds = new Set(domains.map((d) => d.id));

  // A steward who is not in the inventory has most likely left: a warning, so that removing a
  // person never blocks a plan. A name one edit from a known user is a typo: an error.
  const principals = (list: { users: string[]; groups: string[] }, at: (sub: (string | number)[]) => Origin, what: string) => {
    list.users.forEach((u, i) => {
      if (r.users.has(u)) return;
      const typo = suggest(u, r.users.keys(), 1);
      if (typo !== undefined)
        issues.push(
          r.mk(
            "error",
            "unknown-steward",
            `${what} lists unknown user \`${u}\``,
            `did you mean \`${typo}\`? otherwise add the user to the inventory or fix the id`,
            at(["users", i]),
          ),
        );
      else r.absentUser(u, at(["users", i]), `${what} lists`, "they approve nothing");
    });
    list.groups.forEach((g, i) => {
      if (r.groups.has(g) || r.rejectedGroups.has(g)) return;
      const s = suggest(g, r.groups.keys());
      issues.push(
        r.mk(
          "error",
          "unknown-steward",
          `${what} lists unknown group \`${g}\``,
          `${s ? `did you mean \`${s}\`? otherwise ` : ""}add the group to the inventory's \`groups\` or fix the name`,
          at(["groups", i]),
        ),
      );
    });
  };

  const seen = new Map<string, Origin>();
  for (const d of domains) {
    const o = (sub: (string | number)[]) => r.origins.item(d, sub);
    const first = seen.get(d.id);
    if (seen.has(d.id)) {
      const where = first ? `${first.file}:${r.origins.locate(first.file, first.path) ?? "?"}` : "elsewhere";
      issues.push(
        r.mk(
          "error",
          "duplicate-domain",
          `domain \`${d.id}\` is defined twice (first at ${where})`,
          "rename one of them or remove the duplicate",
          o(["id"]),
        ),
      );
      continue;
    }
    seen.set(d.id, o(["id"]));
    principals(d.stewards, (sub) => o(["stewards", ...sub]), `domain \`${d.id}\``);
  }

  const unknownDomain = (id: string, origin: Origin) => {
    const s = suggest(id, domainIds);
    issues.push(
      r.mk(
        "error",
        "unknown-domain",
        `unknown domain \`${id}\``,
        `${s ? `did you mean \`${s}\`? otherwise ` : ""}declare it under \`domains\` in the inventory, with its stewards`,
        origin,
      ),
    );
  };
  for (const d of inventory.dataSources)
    if (d.domain !== undefined && !domainIds.has(d.domain)) unknownDomain(d.domain, r.origins.item(d, ["domain"]));
  const st = config.stewardship;
  // A rule for a domain the inventory does not declare places sources under no steward: they
  // approve nothing there, so it is a warning (the configuration may serve several inventories).
  st?.domainRules.forEach((rule, i) => {
    if (domainIds.has(rule.domain)) return;
    const s = suggest(rule.domain, domainIds);
    issues.push(
      r.mk(
        "warning",
        "domain-rule-unknown-domain",
        `domain rule places data sources in domain \`${rule.domain}\`, which the inventory does not declare`,
        `${s ? `did you mean \`${s}\`? otherwise ` : ""}declare it under \`domains\` in the inventory; until then no steward approves for its data sources`,
        r.origins.config(["stewardship", "domainRules", i, "domain"]),
      ),
    );
  });
  if (st?.governance) principals(st.governance, (sub) => r.origins.config(["stewardship", "governance", ...sub]), "the governance team");

  for (const p of policies) {
    const o = (sub: (string | number)[]) => r.origins.policy(p, sub);
    if (p.domain !== undefined) {
      if (!domainIds.has(p.domain)) unknownDomain(p.domain, o(["domain"]));
      else checkEscape(p, o);
    }
    const res = p.restriction;
    if (res.level !== "approval") continue;
    const base = ["subscribers", "approval"];
    res.approvals.forEach((a, i) => {
      for (const d of approvalDefects(p, a))
        issues.push(r.mk("error", d.code, d.message, d.help, o([...base, "approvals", i, ...(d.at ? [d.at] : [])])));
    });
    (res.requests ?? []).forEach((q, i) => {
      if (!r.users.has(q.user))
        r.absentUser(q.user, o([...base, "requests", i, "user"]), `policy \`${p.name}\` holds a request of`, "it can never be approved");
    });
  }

  function checkEscape(p: Policy, o: (sub: (string | number)[]) => Origin) {
    for (const d of ctx.selected(p)) {
      const dom = ctx.domainOf(d);
      if (dom === p.domain) continue;
      issues.push({
        ...r.mk(
          "error",
          "domain-escape",
          `policy \`${p.name}\` of domain \`${p.domain}\` selects data source \`${d.id}\`, which ${dom === undefined ? "belongs to no domain" : `belongs to domain \`${dom}\``}`,
          `a domain policy may select only its own domain's data sources: narrow \`dataSources\`, move \`${d.id}\` into domain \`${p.domain}\`, or make the policy global (no \`domain\`) under the governance team`,
          o(["dataSources"]),
        ),
        dataSources: [d.id],
      });
    }
  }
  return issues;
}
