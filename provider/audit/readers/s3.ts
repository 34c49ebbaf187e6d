/**
 * Live grants of S3 Access Grants, through the S3 connector's SigV4 signing and XML helpers
 * (provider/connectors/s3.ts) over the pull's HTTP client (503 SlowDown is retried there):
 * `ListAccessGrants`, `GET /v20180820/accessgrantsinstance/grants` on
 * `{account}.s3-control.{region}.amazonaws.com` with the `x-amz-account-id` header, paged by
 * `nextToken` / `maxResults`; each `AccessGrantsList/AccessGrant` names its `Grantee`
 * (`GranteeType` IAM, DIRECTORY_USER or DIRECTORY_GROUP, and `GranteeIdentifier`), its
 * `Permission` (READ, WRITE or READWRITE) and its `GrantScope`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessGrants.html).
 *
 * Names as the plan writes them: the scope `s3://bucket/*` is the bucket `s3://bucket`,
 * `s3://bucket/prefix/*` the prefix `s3://bucket/prefix/`, a scope without `*` one object; the
 * grantee is the Identity Center user or group id (a user's `identityCenter` identity) or the IAM
 * role ARN (`iamRole`). The privilege is the access level as the plan names it: READWRITE
 * includes READ, so a READWRITE grant is `READWRITE` alone, as the plan merges it. A directory
 * group is named by its display name, with its members, when the caller resolved it; otherwise by
 * its id, and the report says so. Only GET requests run.
 */
import { failureIssue } from "../../connectors/catalog-common";
import { identityCenter, IdentityCenterConfig } from "../../connectors/identity-center";
import { type AwsKeys, controlPages, type S3Config, xmlAll, xmlOne } from "../../connectors/s3";
import { type HttpClient, type PullContext, type PullResult, SourceError } from "../../connectors/types";
import type { Grantee, LiveGrant, LiveMembership, LiveState } from "../types";

/** A directory group of Identity Center, resolved by the caller: its display name and member user ids. */
export interface DirectoryGroupInfo {
  name: string;
  members: string[];
}

/** Where an S3 source's Access Grants are read. */
export interface S3AuditInput {
  source: string;
  config: S3Config;
  keys: AwsKeys;
  http: HttpClient;
  /** Identity Center group id -> its name and members: called once, only when some grant is to a directory group. */
  resolveGroups?: () => Promise<ReadonlyMap<string, DirectoryGroupInfo>>;
  /** Grants per page (1 to 1000, default 1000). */
  pageSize?: number;
  now?: Date;
}

/** One entry of ListAccessGrants, as read. */
export interface AccessGrantEntry {
  id: string;
  granteeType: string;
  granteeIdentifier: string;
  permission: string;
  grantScope: string;
  locationId?: string;
}

/** The grant scope as the plan names the S3 object, and its location parts. */
export function scopeObject(scope: string): { object: string; path: string[] } {
  const m = /^s3:\/\/([^/*]+)(?:\/(.*))?$/.exec(scope);
  // `s3://*` (every bucket of the default location) or something unreadable: kept as written.
  if (!m) return { object: scope, path: [] };
  const bucket = m[1]!;
  const rest = m[2] ?? "";
  if (rest === "" || rest === "*") return { object: `s3://${bucket}`, path: [bucket] };
  // A folder grant ends with `*`; a grant without one is a single object.
  const key = rest.endsWith("*") ? rest.slice(0, -1) : rest;
  return { object: `s3://${bucket}/${key}`, path: [bucket, key] };
}

/** Reads every page of ListAccessGrants. */
export async function listAccessGrants(input: S3AuditInput): Promise<AccessGrantEntry[]> {
  const entries = await controlPages({
    http: input.http,
    keys: input.keys,
    config: input.config,
    now: () => input.now ?? new Date(),
    operation: "ListAccessGrants",
    path: "grants",
    item: "AccessGrant",
    ...(input.pageSize ? { pageSize: input.pageSize } : {}),
  });
  return entries.map((entry) => {
    const grantee = xmlAll(entry, "Grantee")[0] ?? "";
    const locationId = xmlOne(entry, "AccessGrantsLocationId");
    return {
      id: xmlOne(entry, "AccessGrantId") ?? "",
      granteeType: xmlOne(grantee, "GranteeType") ?? "",
      granteeIdentifier: xmlOne(grantee, "GranteeIdentifier") ?? "",
      permission: xmlOne(entry, "Permission") ?? "",
      grantScope: xmlOne(entry, "GrantScope") ?? "",
      ...(locationId ? { locationId } : {}),
    };
  });
}

/** Reads an S3 Access Grants instance's live grants. */
export async function readS3Grants(input: S3AuditInput): Promise<LiveState> {
  let entries: AccessGrantEntry[];
  try {
    entries = await listAccessGrants(input);
  } catch (e) {
    // The failure names the source, the host, the path and the status: never a header or a key.
    const i = failureIssue(input, e, "ListAccessGrants failed");
    throw new SourceError(i.code, i.message, i.help ?? 'the audit needs s3:ListAccessGrants; see README "Auditing access outside policy"');
  }
  const grants = new Map<string, LiveGrant>();
  const memberships: LiveMembership[] = [];
  const principals = new Map<string, Grantee>();
  const unresolved = new Set<string>();
  const notes: string[] = [];
  let groups: ReadonlyMap<string, DirectoryGroupInfo> | undefined;
  if (input.resolveGroups && entries.some((e) => e.granteeType === "DIRECTORY_GROUP")) {
    try {
      groups = await input.resolveGroups();
    } catch (e) {
      // The grants are still reported; the groups stay named by id, and the report says why.
      notes.push(`directory groups not resolved: ${failureIssue(input, e, "reading the identity store failed").message}`);
    }
  }
  for (const e of entries) {
    if (e.granteeIdentifier === "" || e.grantScope === "" || e.permission === "") continue;
    let grantee: Grantee;
    if (e.granteeType === "DIRECTORY_USER") grantee = { kind: "user", name: e.granteeIdentifier };
    else if (e.granteeType === "DIRECTORY_GROUP") {
      const g = groups?.get(e.granteeIdentifier);
      // Named as the directory names it where resolved; the group id stays beside the name.
      grantee = g ? { kind: "group", name: g.name, id: e.granteeIdentifier } : { kind: "group", name: e.granteeIdentifier };
      if (!principals.has(`g\0${grantee.name}`)) {
        principals.set(`g\0${grantee.name}`, grantee);
        if (g) for (const m of g.members) memberships.push({ platform: "s3", parent: grantee, member: { kind: "user", name: m } });
        else unresolved.add(e.granteeIdentifier);
      }
    } else grantee = { kind: "role", name: e.granteeIdentifier };
    const { object, path } = scopeObject(e.grantScope);
    const k = `${grantee.kind}\0${grantee.name}\0${object}`;
    let g = grants.get(k);
    if (!g) grants.set(k, (g = { platform: "s3", grantee, object, privileges: [], kind: "direct", ...(path.length ? { path } : {}) }));
    if (!g.privileges.includes(e.permission)) g.privileges.push(e.permission);
  }
  for (const g of grants.values()) {
    // One grant carries one access level: READWRITE covers READ, as the plan merges them.
    if (g.privileges.includes("READWRITE")) g.privileges = g.privileges.filter((p) => p !== "READ");
    g.privileges.sort();
  }
  if (unresolved.size > 0)
    notes.push(
      `${unresolved.size} Identity Center group${unresolved.size === 1 ? "" : "s"} named by id (not resolved to a display name): their members are not known`,
    );
  return {
    platform: "s3",
    source: input.source,
    grants: [...grants.values()],
    memberships,
    principals: [...principals.values()],
    readFrom: "S3 Access Grants ListAccessGrants",
    readAt: (input.now ?? new Date()).toISOString(),
    notes,
  };
}

/** Directory groups by id, with their display names and member user ids, from an identity store pull. */
export function directoryGroups(directory: Pick<PullResult, "users" | "groups">): Map<string, DirectoryGroupInfo> {
  const out = new Map<string, DirectoryGroupInfo>();
  for (const g of directory.groups ?? []) out.set(g.externalId, { name: g.displayName, members: [] });
  for (const u of directory.users ?? []) for (const id of u.groups) out.get(id)?.members.push(u.externalId);
  for (const g of out.values()) g.members.sort();
  return out;
}

/** How `audit` reads an S3 source beyond its connector keys. */
export interface S3SourceOptions {
  /** The estate's identity store (`s3.identityStoreId`): directory groups are resolved there, with the source's credentials. */
  identityStoreId?: string;
  /** The identity store endpoint (`grants: { identityStoreEndpoint }`), for VPC endpoints and tests. */
  identityStoreEndpoint?: string;
  now: Date;
}

/** Reads an S3 source's grants with its credentials; directory groups are resolved when the identity store is known. */
export async function readS3Source(config: S3Config, ctx: PullContext, o: S3SourceOptions): Promise<LiveState> {
  const keys: AwsKeys = {
    accessKeyId: ctx.credential(config.credentials.accessKeyId),
    secretAccessKey: ctx.credential(config.credentials.secretAccessKey),
    ...(config.credentials.sessionToken ? { sessionToken: ctx.credential(config.credentials.sessionToken) } : {}),
  };
  const store = o.identityStoreId;
  const resolveGroups = async () =>
    directoryGroups(
      await identityCenter.pull(
        IdentityCenterConfig.parse({
          identityStoreId: store,
          region: config.region,
          accessKeyId: config.credentials.accessKeyId,
          secretAccessKey: config.credentials.secretAccessKey,
          ...(config.credentials.sessionToken ? { sessionToken: config.credentials.sessionToken } : {}),
          ...(o.identityStoreEndpoint ? { endpoint: o.identityStoreEndpoint } : {}),
        }),
        ctx,
      ),
    );
  return readS3Grants({
    source: ctx.source,
    config,
    keys,
    http: ctx.http,
    ...(store !== undefined ? { resolveGroups } : {}),
    now: o.now,
  });
}
