/**
 * What a policy's audience means, shared by validation, resolution and explanation: walking its
 * conditions, evaluating them against a user, and who may approve.
 */
import type { Condition, Inventory, User } from "./schema";

/** Visits every condition node with its path (depth-first). */
export function walkConditions(c: Condition, path: (string | number)[], f: (c: Condition, path: (string | number)[]) => void): void {
  f(c, path);
  if ("anyOf" in c) c.anyOf.forEach((x, i) => walkConditions(x, [...path, "anyOf", i], f));
  if ("allOf" in c) c.allOf.forEach((x, i) => walkConditions(x, [...path, "allOf", i], f));
}

/**
 * True when `user` may approve for these approvers (named, or member of an approver group). Only a
 * user in the inventory may: an approval by someone who has left grants nothing.
 */
export function isApprover(
  user: string,
  approvers: { users: string[]; groups: string[] },
  usersById: ReadonlyMap<string, Pick<Inventory["users"][number], "groups">>,
): boolean {
  const u = usersById.get(user);
  if (!u) return false;
  return approvers.users.includes(user) || u.groups.some((g) => approvers.groups.includes(g));
}

/** Evaluates an ABAC condition against one user's groups and attributes. */
export function matches(c: Condition, u: Pick<User, "groups" | "attributes">): boolean {
  if ("group" in c) return u.groups.includes(c.group);
  if ("attribute" in c) {
    const have = u.attributes[c.attribute];
    return !!have && c.values.some((v) => have.includes(v));
  }
  if ("anyOf" in c) return c.anyOf.some((x) => matches(x, u));
  return c.allOf.every((x) => matches(x, u));
}
