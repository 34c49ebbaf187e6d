/**
 * Pulled inventory files and hand-written ones, merged. `accessplane inventory pull` writes each
 * source's files under the inventory directory's `pulled/` folder; every other inventory file is
 * hand-written. An item (user, group, data source) with the same id in a hand-written file and in a
 * pulled file is one item:
 *
 * - Identity fields must agree: a data source's `platform`, `objectType` and `location`. When they
 *   differ, that is an error (`pulled-conflict`) naming both places, and the hand-written entry is
 *   the one kept.
 * - Lists add up: `tags`, `owners`, a user's `groups` are the union of both entries (a pulled tag
 *   cannot be removed by hand: change the source's tag rules instead). The hand-written entry
 *   reviews the object: the pulled new-object tag (`accessplane:new` unless the source sets
 *   `newTag`) is dropped when a hand-written entry exists.
 * - Single values are overridden by the hand-written entry when it sets them: `description` (when
 *   not empty), `email`, each attribute (the whole list of values of that attribute), each identity
 *   (of a user, or of a group: where it is provisioned), a group's `github`,
 *   `incomingShare`, `bigLake`, `principalMode`, `acknowledgeSharedRole` (when true).
 *
 * Two pulled files defining one id stay a duplicate error, as do two hand-written files.
 */
import { dottedPath, type Issue } from "./issues";
import type { DataSource, Group, Inventory, User } from "./schema";

/** The default tag of objects new since the last pull. */
export const DEFAULT_NEW_TAG = "accessplane:new";

/** True when an inventory file was written by `inventory pull`: it lies in a `pulled` directory. */
export const isPulledFile = (file: string) => /(^|[\\/])pulled[\\/]/.test(file);

/** Where an item was written. */
export interface ItemOrigin {
  file: string;
  path: (string | number)[];
}

/** A conflict between a pulled and a hand-written entry. */
export interface PulledConflict {
  kind: "dataSources";
  id: string;
  fields: string[];
  pulled: ItemOrigin;
  hand: ItemOrigin;
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function mergeUser(pulled: User, hand: User): User {
  return {
    ...pulled,
    ...(hand.email !== undefined ? { email: hand.email } : {}),
    groups: union(pulled.groups, hand.groups),
    attributes: { ...pulled.attributes, ...hand.attributes },
    identities: { ...pulled.identities, ...hand.identities },
  };
}

function mergeGroup(pulled: Group, hand: Group): Group {
  const identities = { ...pulled.identities, ...hand.identities };
  return {
    ...pulled,
    ...(hand.github !== undefined ? { github: hand.github } : {}),
    description: hand.description !== "" ? hand.description : pulled.description,
    ...(Object.keys(identities).length ? { identities } : {}),
  };
}

function mergeDataSource(pulled: DataSource, hand: DataSource, newTags: ReadonlySet<string>): { merged: DataSource; fields: string[] } {
  const fields = (["platform", "objectType", "location"] as const).filter((k) => !same(pulled[k], hand[k]));
  if (fields.length > 0) return { merged: hand, fields };
  const merged = {
    ...pulled,
    ...hand,
    tags: union(
      pulled.tags.filter((t) => !newTags.has(t)),
      hand.tags,
    ),
    owners: union(pulled.owners, hand.owners),
    description: hand.description !== "" ? hand.description : pulled.description,
  } as DataSource;
  if (merged.platform === "s3" && pulled.platform === "s3" && hand.platform === "s3") {
    merged.acknowledgeSharedRole = hand.acknowledgeSharedRole || pulled.acknowledgeSharedRole;
    const mode = hand.principalMode ?? pulled.principalMode;
    if (mode !== undefined) merged.principalMode = mode;
  }
  return { merged, fields: [] };
}

/**
 * Merges pulled entries with hand-written ones of the same id, in place; returns the conflicts.
 * `origin` tells where each item was written; `rebind` records the merged item at the origin of the
 * hand-written one, so that later issues point at the file people edit.
 */
export function mergePulled(
  inventory: Inventory,
  origin: (item: object) => ItemOrigin | undefined,
  rebind: (merged: object, from: object) => void,
  newTags: ReadonlySet<string> = new Set([DEFAULT_NEW_TAG]),
): PulledConflict[] {
  const conflicts: PulledConflict[] = [];
  const pulledOf = (x: object) => {
    const o = origin(x);
    return o !== undefined && isPulledFile(o.file);
  };
  const run = <T extends { id: string }>(
    items: T[],
    merge: (p: T, h: T) => { merged: T; fields: string[] },
    kind: "users" | "groups" | "dataSources",
  ): T[] => {
    const pulled = new Map<string, T>();
    for (const it of items) if (pulledOf(it) && !pulled.has(it.id)) pulled.set(it.id, it);
    if (pulled.size === 0) return items;
    const hand = new Map<string, T>();
    for (const it of items) if (!pulledOf(it) && !hand.has(it.id) && pulled.has(it.id)) hand.set(it.id, it);
    if (hand.size === 0) return items;
    const out: T[] = [];
    for (const it of items) {
      const h = hand.get(it.id);
      if (h === undefined) {
        out.push(it);
        continue;
      }
      if (it === pulled.get(it.id)) continue; // replaced by the merged entry at the hand-written one's place
      if (it !== h) {
        out.push(it);
        continue;
      }
      const p = pulled.get(it.id)!;
      const { merged, fields } = merge(p, h);
      if (fields.length > 0 && kind === "dataSources") conflicts.push({ kind, id: it.id, fields, pulled: origin(p)!, hand: origin(h)! });
      rebind(merged, h);
      out.push(merged);
    }
    return out;
  };
  inventory.users = run(inventory.users, (p, h) => ({ merged: mergeUser(p, h), fields: [] }), "users");
  inventory.groups = run(inventory.groups, (p, h) => ({ merged: mergeGroup(p, h), fields: [] }), "groups");
  inventory.dataSources = run(inventory.dataSources, (p, h) => mergeDataSource(p, h, newTags), "dataSources");
  return conflicts;
}

/**
 * Merges pulled and hand-written entries of an inventory being loaded (see mergePulled) and
 * reports each conflict as an error at the hand-written entry, naming the pulled one.
 */
export function mergePulledInventory(
  inventory: Inventory,
  origins: Map<object, ItemOrigin>,
  locate: (file: string, path: readonly (string | number)[]) => number | undefined,
  newTags: readonly (string | undefined)[],
): Issue[] {
  const tags = new Set([DEFAULT_NEW_TAG, ...newTags.filter((t): t is string => t !== undefined)]);
  const conflicts = mergePulled(
    inventory,
    (x) => origins.get(x),
    (merged, from) => origins.set(merged, origins.get(from)!),
    tags,
  );
  return conflicts.map((c) => {
    const pLine = locate(c.pulled.file, c.pulled.path);
    const hLine = locate(c.hand.file, c.hand.path);
    return {
      severity: "error" as const,
      code: "pulled-conflict",
      message: `data source \`${c.id}\` is defined differently here and in the pulled file ${c.pulled.file}${pLine !== undefined ? `:${pLine}` : ""}: ${c.fields.map((f) => `\`${f}\``).join(", ")} differ`,
      file: c.hand.file,
      ...(hLine !== undefined ? { line: hLine } : {}),
      path: dottedPath(c.hand.path),
      help: "a hand-written entry extends the pulled one (tags, owners, description): give it the platform, object type and location the pull found, or give it another id",
    };
  });
}

/** The new-object tags the sources of a project file's `inventory` entry set. */
export function newTagsOf(entry: unknown): (string | undefined)[] {
  if (!entry || typeof entry !== "object" || !Array.isArray((entry as { sources?: unknown }).sources)) return [];
  return (entry as { sources: { newTag?: string }[] }).sources.map((s) => s.newTag);
}
