/**
 * Cross-reference checks over a parsed estate: duplicates, unknown references, approvals by
 * non-approvers, selections that match nothing, and configuration rules.
 */
import { type Issue, type IssueCode, dottedPath } from "./issues";
import type { Policy, DataSource, DataSourceSelection, User } from "./schema";
import type { Estate, Locator } from "./estate";
import { matches, walkConditions } from "./policy";
import { DataSourceIndex } from "./select";
import { validateS3 } from "./validate-s3";
import { approvalCounts, mayApprove, stewardshipContext } from "./stewardship";
import { validateStewardship } from "./validate-stewardship";
import { validateTrinoConfig } from "./validate-trino";
import { didYouMean, suggest } from "./suggest";

type Origin = { file: string; path: (string | number)[] } | undefined;

/** Maps estate objects back to where they were written. */
export interface Origins {
  policy(p: Policy, sub: (string | number)[]): Origin;
  item(x: object, sub: (string | number)[]): Origin;
  config(sub: (string | number)[]): Origin;
  locate: Locator;
}

/**
 * What could be read of inventory items that were left out for their own errors. A reference to
 * one of them is not reported again: it follows from the item's error, and fixing that fixes it.
 */
export interface Rejected {
  users: Map<string, Pick<User, "groups" | "attributes">>;
  groups: Set<string>;
  dataSources: { id?: string; tags: string[]; platform?: string }[];
}

/** No item left out. */
export function emptyRejected(): Rejected {
  return { users: new Map(), groups: new Set(), dataSources: [] };
}

const NO_ORIGINS: Origins = {
  policy: () => undefined,
  item: () => undefined,
  config: () => undefined,
  locate: () => undefined,
};

/** Checks references and rules across the whole estate; pure. */
export function validateEstate(estate: Estate, origins: Origins = NO_ORIGINS, rejected: Rejected = emptyRejected()): Issue[] {
  const issues: Issue[] = [];
  const { policies, inventory, config } = estate;
  const mk = (severity: Issue["severity"], code: IssueCode, message: string, help: string, origin: Origin): Issue => {
    const line = origin ? origins.locate(origin.file, origin.path) : undefined;
    return {
      severity,
      code,
      message,
      ...(origin ? { file: origin.file, path: dottedPath(origin.path) } : {}),
      ...(line !== undefined ? { line } : {}),
      help,
    };
  };

  // Duplicates
  const dup = <T extends object>(items: T[], key: (t: T) => string, what: string, code: IssueCode, sub: string) => {
    const seen = new Map<string, T>();
    for (const it of items) {
      const k = key(it);
      const first = seen.get(k);
      if (first) {
        const o1 = origins.item(first, [sub]) ?? origins.policy(first as unknown as Policy, [sub]);
        const where = o1 ? `${o1.file}:${origins.locate(o1.file, o1.path) ?? "?"}` : "elsewhere";
        issues.push(
          mk(
            "error",
            code,
            `${what} \`${k}\` is defined twice (first at ${where})`,
            `rename one of them or remove the duplicate`,
            origins.item(it, [sub]) ?? origins.policy(it as unknown as Policy, [sub]),
          ),
        );
      } else seen.set(k, it);
    }
    return seen;
  };
  dup(policies, (p) => p.name, "policy", "duplicate-policy", "name");
  const users = dup(inventory.users, (u) => u.id, "user", "duplicate-user", "id");
  const groups = dup(inventory.groups, (g) => g.id, "group", "duplicate-group", "id");
  const sources = dup(inventory.dataSources, (d) => d.id, "data source", "duplicate-data-source", "id");
  dup(inventory.sharedRoles, (r) => r.arn, "shared role", "duplicate-shared-role", "arn");

  const dsIndex = new DataSourceIndex(inventory.dataSources);
  const stewardship = stewardshipContext(inventory, config);
  const tags = new Set<string>();
  for (const d of inventory.dataSources) for (const t of d.tags) tags.add(t);
  // Data sources left out for their own errors: what they would have matched is not reported again.
  const rejectedIndex = new DataSourceIndex(
    rejected.dataSources.map((d, i) => ({ id: d.id ?? `\u0000${i}`, tags: d.tags, platform: d.platform }) as unknown as DataSource),
  );
  const rejectedIds = new Set(rejected.dataSources.flatMap((d) => (d.id !== undefined ? [d.id] : [])));
  const rejectedTags = new Set(rejected.dataSources.flatMap((d) => d.tags));

  // A user missing from the inventory has most likely left (an identity-provider export drops
  // leavers): a reference to them grants nothing and is a warning, so revocation is never blocked,
  // not even when the id is one edit from a colleague's (a leaver `bem` beside a current `ben`). A
  // near miss is more likely a typo, so the warning carries its did-you-mean; it still grants
  // nothing, so a typo fails closed.
  const absentUser = (id: string, origin: Origin, what: string, consequence: string) => {
    if (rejected.users.has(id)) return; // follows from that user's own error
    const typo = suggest(id, users.keys(), 1);
    const near =
      typo === undefined
        ? ""
        : `did you mean \`${typo}\`?${typo.toLowerCase() === id.toLowerCase() ? " (it differs only in case)" : ""} if so, fix the id; `;
    issues.push(
      mk(
        "warning",
        "user-not-in-inventory",
        `${what} \`${id}\`, who is not in the inventory: ${consequence}`,
        `${near}remove the reference if the user has left; otherwise add the user to the inventory`,
        origin,
      ),
    );
  };
  const unknownGroup = (id: string, origin: Origin) => {
    if (rejected.groups.has(id)) return; // follows from that group's own error
    issues.push(
      mk(
        "error",
        "unknown-group",
        `unknown group \`${id}\``,
        hint(id, groups.keys(), "add the group to the inventory's `groups` or fix the name"),
        origin,
      ),
    );
  };

  // Inventory references
  for (const u of inventory.users) {
    u.groups.forEach((g, i) => groups.has(g) || unknownGroup(g, origins.item(u, ["groups", i])));
  }
  for (const d of inventory.dataSources) {
    d.owners.forEach(
      (o, i) =>
        users.has(o) || absentUser(o, origins.item(d, ["owners", i]), `data source \`${d.id}\` lists owner`, "ownership grants nothing"),
    );
  }
  for (const r of inventory.sharedRoles) {
    r.members.forEach(
      (m, i) =>
        users.has(m) ||
        absentUser(
          m,
          origins.item(r, ["members", i]),
          `shared role \`${r.arn}\` lists member`,
          "the plan cannot show them behind the role; check that they can no longer assume it",
        ),
    );
  }

  // Who carries which attribute values, for conditions that can never match.
  const attrValues = new Map<string, Set<string>>();
  const carry = (attributes: Record<string, string[]>) => {
    for (const [k, vals] of Object.entries(attributes)) {
      let set = attrValues.get(k);
      if (!set) attrValues.set(k, (set = new Set()));
      for (const v of vals) set.add(v);
    }
  };
  for (const u of inventory.users) carry(u.attributes);
  const rejectedAttrs = new Map<string, Set<string>>();
  for (const u of rejected.users.values())
    for (const [k, vals] of Object.entries(u.attributes)) {
      const set = rejectedAttrs.get(k) ?? new Set<string>();
      vals.forEach((v) => set.add(v));
      rejectedAttrs.set(k, set);
    }

  // Policy references
  for (const p of policies) {
    const o = (sub: (string | number)[]) => origins.policy(p, sub);
    const r = p.restriction;
    const inPolicy = `policy \`${p.name}\``;
    const before = issues.length;
    if (r.level === "approval") {
      const base = ["subscribers", "approval"];
      r.approvers.users.forEach(
        (u, i) =>
          users.has(u) ||
          absentUser(u, o([...base, "approvers", "users", i]), `${inPolicy} lists approver`, "their approvals grant nothing"),
      );
      r.approvers.groups.forEach((g, i) => groups.has(g) || unknownGroup(g, o([...base, "approvers", "groups", i])));
      if (r.approvers.users.length === 0 && r.approvers.groups.length === 0 && !r.approvers.owners && !r.approvers.stewards) {
        issues.push(
          mk(
            "error",
            "no-approvers",
            `policy \`${p.name}\` asks for approval but names no approvers`,
            "list approvers under `approval.approvers.users` or `approval.approvers.groups`",
            o([...base, "approvers"]),
          ),
        );
      }
      r.approvals.forEach((a, i) => {
        const ao = o([...base, "approvals", i]);
        if (!users.has(a.user))
          absentUser(a.user, o([...base, "approvals", i, "user"]), `${inPolicy} records an approval of`, "it grants nothing");
        if (!users.has(a.approvedBy))
          absentUser(
            a.approvedBy,
            o([...base, "approvals", i, "approvedBy"]),
            `${inPolicy} records an approval of \`${a.user}\` by`,
            "it grants nothing",
          );
        else if (!mayApprove(a.approvedBy, p, stewardship)) {
          issues.push(
            mk(
              "error",
              "approval-by-non-approver",
              `\`${a.approvedBy}\` approved \`${a.user}\` but is not an approver of policy \`${p.name}\``,
              "record an approval by a listed approver, or add the approver to `approval.approvers`; this approval grants nothing",
              o([...base, "approvals", i, "approvedBy"]),
            ),
          );
        }
        if (a.expiresAt !== undefined && Date.parse(a.expiresAt) <= Date.parse(a.approvedAt)) {
          issues.push(
            mk(
              "error",
              "expiry-before-approval",
              `approval of \`${a.user}\` expires before it was given`,
              "set `expiresAt` after `approvedAt`",
              ao,
            ),
          );
        }
      });
    } else if (r.level === "users") {
      r.users.forEach(
        (u, i) => users.has(u.user) || absentUser(u.user, o(["subscribers", "users", i]), `${inPolicy} names user`, "this grants nothing"),
      );
    } else if (r.level === "conditions") {
      walkConditions(r.when, ["subscribers", "when"], (c, path) => {
        if ("group" in c && !groups.has(c.group)) unknownGroup(c.group, o([...path, "group"]));
        if ("attribute" in c) checkAttribute(p, c, path, o);
      });
    }
    // An error in the restriction (an unknown group, a misspelt user) already says why it admits nobody.
    if (p.kind === "grant" && !issues.slice(before).some((i) => i.severity === "error")) checkAdmitsSomeone(p, o);
    checkSelection(p.dataSources, (sub) => o(["dataSources", ...sub]));
    const matched = dsIndex.select(p.dataSources);
    if (matched.length === 0 && !rejectedIndex.select(p.dataSources).length) {
      issues.push(
        mk(
          "warning",
          "selection-empty",
          `policy \`${p.name}\` selects no data source`,
          "check the names, tags and platforms under `dataSources`",
          o(["dataSources"]),
        ),
      );
    }
  }

  function checkAttribute(
    p: Policy,
    c: { attribute: string; values: string[] },
    path: (string | number)[],
    o: (sub: (string | number)[]) => Origin,
  ) {
    const have = attrValues.get(c.attribute);
    const left = rejectedAttrs.get(c.attribute);
    if (!have) {
      if (left) return; // only users left out for their own errors carry it
      const dym = didYouMean(c.attribute, attrValues.keys());
      issues.push(
        mk(
          "warning",
          "unknown-attribute",
          `no user carries attribute \`${c.attribute}\` (policy \`${p.name}\`), so this condition never matches`,
          `${dym ? `${dym} otherwise ` : ""}check the attribute name against the users' \`attributes\` in the inventory`,
          o([...path, "attribute"]),
        ),
      );
      return;
    }
    c.values.forEach((v, i) => {
      if (have.has(v) || left?.has(v)) return;
      const dym = didYouMean(v, have);
      issues.push(
        mk(
          "warning",
          "unknown-attribute-value",
          `no user has \`${v}\` for attribute \`${c.attribute}\` (policy \`${p.name}\`), so this value never matches`,
          `${dym ? `${dym} otherwise ` : ""}check the value against the users' \`attributes.${c.attribute}\` in the inventory`,
          o([...path, "values", i]),
        ),
      );
    });
  }

  function checkAdmitsSomeone(p: Policy, o: (sub: (string | number)[]) => Origin) {
    const r = p.restriction;
    let why: string | undefined;
    // Time is left out (validation has no clock): expired entries still count as admitting.
    if (r.level === "anyone") {
      if (users.size === 0 && rejected.users.size === 0) why = "the inventory lists no user";
    } else if (r.level === "conditions") {
      const admits = (u: Pick<User, "groups" | "attributes">) => matches(r.when, u);
      if (!inventory.users.some(admits) && ![...rejected.users.values()].some(admits))
        why = "no user in the inventory satisfies `subscribers.when`; check its groups, attributes and values";
    } else if (r.level === "users") {
      if (!r.users.some((u) => users.has(u.user) || rejected.users.has(u.user)))
        why = r.users.length === 0 ? "`subscribers.users` lists nobody" : "none of the users it names is in the inventory";
    } else if (r.approvals.length > 0) {
      // An approval policy without approvals is waiting for requests; with approvals, one must count.
      const counts = r.approvals.some(
        (a) =>
          rejected.users.has(a.user) || rejected.users.has(a.approvedBy) || (users.has(a.user) && approvalCounts(p, a, users, stewardship)),
      );
      if (!counts) why = "none of its approvals is by an approver for a user in the inventory";
    }
    if (why !== undefined)
      issues.push(mk("warning", "policy-admits-nobody", `policy \`${p.name}\` admits no user`, why, o(["subscribers"])));
  }

  function checkSelection(sel: DataSourceSelection, o: (sub: (string | number)[]) => Origin) {
    sel.names?.forEach((n, i) => {
      if (!sources.has(n) && !rejectedIds.has(n))
        issues.push(
          mk(
            "error",
            "unknown-data-source",
            `unknown data source \`${n}\``,
            hint(n, sources.keys(), "add it to the inventory's `dataSources` or fix the id"),
            o(["names", i]),
          ),
        );
    });
    for (const k of ["anyOf", "allOf"] as const) {
      sel.tags?.[k]?.forEach((t, i) => {
        if (!tags.has(t) && !rejectedTags.has(t))
          issues.push(
            mk(
              "error",
              "unknown-tag",
              `no data source carries tag \`${t}\``,
              hint(t, tags, "tag a data source with it in the inventory, or fix the tag"),
              o(["tags", k, i]),
            ),
          );
      });
    }
    if (!sel.names && !sel.tags) {
      issues.push(
        mk(
          "error",
          "selection-unbounded",
          "the data-source selection names no data sources and no tags",
          "add `names` or `tags` under `dataSources`; a policy never selects everything implicitly",
          o([]),
        ),
      );
    }
  }

  const where = (o: Origin) => {
    const line = o ? origins.locate(o.file, o.path) : undefined;
    return o ? { file: o.file, path: dottedPath(o.path), ...(line !== undefined ? { line } : {}) } : {};
  };
  issues.push(...validateTrinoConfig(config, (sub) => where(origins.config(sub))));
  issues.push(
    ...validateStewardship(estate, stewardship, {
      mk: (severity, code, message, help, origin) => mk(severity, code, message, help, origin),
      origins,
      users,
      groups,
      absentUser,
      rejectedGroups: rejected.groups,
    }),
  );
  issues.push(
    ...validateS3(config, inventory, { config: (sub) => where(origins.config(sub)), item: (d, sub) => where(origins.item(d, sub)) }),
  );
  return issues;
}

function hint(id: string, all: Iterable<string>, fallback: string): string {
  const s = suggest(id, all);
  return s ? `did you mean \`${s}\`? otherwise ${fallback}` : fallback;
}
