/**
 * `defineAdapter`: builds a `PlatformAdapter` from what sets a platform apart, with defaults for
 * what most platforms share. A platform places its grants as unquoted paths (`locate`) and names
 * its quoting once (`quote`); the adapter derives the quoted `target` and the unquoted `path` from
 * that one placement, so the two can never disagree.
 */
import type { AccessType, Config, DataSourceOf, Identities, Platform } from "../model/schema";
import {
  type Enforcement,
  type IdentifierCase,
  type Note,
  type PlatformAdapter,
  type Privileges,
  type SyncedGroups,
  type Target,
  type TargetPath,
  groupName,
  selfImplied,
  union,
} from "./types";

/** Where the privileges of one data source land, with every name unquoted, part by part. */
export interface Placement {
  /** Kind of securable, as the platform names it (`TABLE`, `VIEW`, `BUCKET`...). */
  kind: string;
  /** The object's path, as the platform stores its names. */
  path: readonly string[];
  /** Privileges on parent objects granted with any object privilege (see `ParentGrant`). */
  parents: readonly { kind: string; path: readonly string[]; privileges: readonly string[] }[];
}

/** What one platform declares; the optional members default as documented on each. */
export interface AdapterSpec<P extends Platform> {
  readonly platform: P;
  readonly title: string;
  readonly supportsWrite: boolean;
  readonly enforcement: Enforcement;
  readonly identifierCase: IdentifierCase;
  /** The identity key, or how it depends on the configuration and the data source. */
  readonly identityKey: keyof Identities | PlatformAdapter<P>["identityKey"];
  /** Default: none (principals get members one by one). */
  readonly syncedGroups?: SyncedGroups | PlatformAdapter<P>["syncedGroups"];
  /** Privileges `access` yields on `ds`, when `refusal` does not refuse it. */
  privileges(ds: DataSourceOf<P>, access: AccessType, config: Config): Privileges;
  /**
   * Why nothing can be granted on `ds`, if so (an incoming share, a missing scope): `privileges` is
   * then empty with this note. Whether it refuses depends on `ds` only, never on `access`.
   */
  refusal?(ds: DataSourceOf<P>, access: AccessType): Note | undefined;
  /** Where the privileges land, unquoted. */
  locate(ds: DataSourceOf<P>, config: Config): Placement;
  /** Writes a path as the platform's display name (its quoting, in one place). */
  quote(path: readonly string[]): string;
  /** Default: the object type, and whether `refusal` refuses (privileges depend on nothing else). */
  tableKey?(ds: DataSourceOf<P>): string;
  /** Default: the sorted union. */
  merge?(a: readonly string[], b: readonly string[]): readonly string[];
  /** Default: each privilege stands only for itself. */
  implied?(privilege: string): readonly string[];
  /** Default: no extras. */
  extras?(ds: DataSourceOf<P>, privileges: readonly string[], config: Config): Record<string, unknown>;
  /** Default: the group prefix and the cohort key (`groupName`). */
  principalName?(cohortKey: string, config: Config): string;
  audit?: PlatformAdapter<P>["audit"];
}

const NO_EXTRAS = (): Record<string, unknown> => ({});

/** A data source's object type: every data source has one, whatever its platform. */
const objectTypeOf = (ds: { objectType: string }): string => ds.objectType;

/** Builds a platform's adapter from its spec. */
export function defineAdapter<P extends Platform>(spec: AdapterSpec<P>): PlatformAdapter<P> {
  const { identityKey, locate, quote, refusal, syncedGroups } = spec;
  const target = (ds: DataSourceOf<P>, config: Config): Target => {
    const placed = locate(ds, config);
    return {
      kind: placed.kind,
      object: quote(placed.path),
      parents: placed.parents.map((p) => ({ kind: p.kind, object: quote(p.path), privileges: p.privileges })),
    };
  };
  const path = (ds: DataSourceOf<P>, config: Config): TargetPath => {
    const placed = locate(ds, config);
    return { object: placed.path, parents: placed.parents.map((p) => p.path) };
  };
  return {
    platform: spec.platform,
    title: spec.title,
    supportsWrite: spec.supportsWrite,
    enforcement: spec.enforcement,
    identifierCase: spec.identifierCase,
    identityKey: typeof identityKey === "function" ? identityKey : () => identityKey,
    syncedGroups: typeof syncedGroups === "function" ? syncedGroups : () => syncedGroups,
    privileges: (ds, access, config) => {
      const refused = refusal?.(ds, access);
      return refused ? { privileges: [], notes: [refused] } : spec.privileges(ds, access, config);
    },
    tableKey: spec.tableKey
      ? (ds) => spec.tableKey!(ds)
      : refusal
        ? (ds) => `${objectTypeOf(ds as { objectType: string })}|${refusal(ds, "read") !== undefined}`
        : (ds) => objectTypeOf(ds as { objectType: string }),
    target,
    path,
    merge: spec.merge ?? ((a, b) => union(a, b)),
    implied: spec.implied ?? selfImplied,
    extras: spec.extras ? (ds, privileges, config) => spec.extras!(ds, privileges, config) : NO_EXTRAS,
    principalName: spec.principalName ?? ((key, config) => groupName(config.naming.groupPrefix, key)),
    ...(spec.audit ? { audit: spec.audit } : {}),
  };
}
