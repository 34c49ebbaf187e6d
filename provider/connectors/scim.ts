/**
 * A SCIM 2.0 directory (RFC 7644), as Okta, Microsoft Entra ID and OneLogin serve it: `/Users` and
 * `/Groups`, paged with `startIndex` and `count` until `totalResults` are read (section 3.4.2.4),
 * with a Bearer token. Memberships come from the groups' `members` when the server includes them,
 * else from each user's `groups` attribute, else (servers that leave both out, which is common for
 * large groups) from `/Groups?filter=members.value eq "<user id>"` per user (section 3.4.2.2).
 *
 * Attributes are flattened to the paths RFC 7644 section 3.10 writes: `title`, `name.givenName`,
 * `emails` (every `value`), and extension attributes under their schema URN,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
 */
import { z } from "zod";
import { Credential } from "./credentials";
import {
  type Connector,
  type DirectoryGroup,
  type DirectoryUser,
  type HttpClient,
  type PullContext,
  type PullResult,
  SourceError,
  type SourceIssue,
} from "./types";

/** A SCIM source's connector keys. */
export const ScimConfig = z.strictObject({
  /** The SCIM base URL, e.g. `https://example.okta.com/scim/v2` (without `/Users`). */
  url: z.string().url(),
  /** The Bearer token. */
  token: Credential,
  /** Resources per page (`count`); servers may return fewer. */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /**
   * Where memberships come from: `auto` (groups' `members`, else users' `groups`, else a filter per
   * user), or one of `members`, `user-groups`, `filter`.
   */
  memberships: z.enum(["auto", "members", "user-groups", "filter"]).default("auto"),
});
/** A SCIM source's connector keys. */
export type ScimConfig = z.infer<typeof ScimConfig>;

interface ListResponse {
  totalResults?: number;
  startIndex?: number;
  itemsPerPage?: number;
  Resources?: Record<string, unknown>[];
}

/** Flattens a SCIM resource's attributes to `path -> values` (strings), RFC 7644 attribute notation. */
export function flattenAttributes(resource: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (p: string, v: string) => (out[p] ??= []).push(v);
  const visit = (prefix: string, v: unknown, sep: string): void => {
    if (v === null || v === undefined) return;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      add(prefix, String(v));
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item && typeof item === "object" && "value" in item) visit(prefix, (item as { value: unknown }).value, sep);
        else if (item === null || typeof item !== "object") visit(prefix, item, sep);
      }
      return;
    }
    if (typeof v === "object") for (const [k, x] of Object.entries(v)) visit(`${prefix}${sep}${k}`, x, ".");
  };
  for (const [k, v] of Object.entries(resource)) {
    if (k === "schemas" || k === "meta" || k === "groups" || k === "members") continue;
    if (k.startsWith("urn:") && v && typeof v === "object" && !Array.isArray(v)) {
      for (const [sub, x] of Object.entries(v)) visit(`${k}:${sub}`, x, ".");
    } else visit(k, v, ".");
  }
  return out;
}

function primaryEmail(u: Record<string, unknown>): string | undefined {
  const emails = Array.isArray(u.emails) ? (u.emails as { value?: unknown; primary?: unknown }[]) : [];
  const e = emails.find((x) => x.primary === true) ?? emails[0];
  return typeof e?.value === "string" ? e.value : undefined;
}

const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

/** A filter value as RFC 7644 section 3.4.2.2 quotes it (a JSON string). */
const filterValue = (v: string) => JSON.stringify(v);

/** Where a SCIM list is read from: the base URL (without `/Users`), the Bearer token and the page length. */
export interface ScimList {
  base: string;
  token: string;
  pageSize: number;
  /** The source's name, for messages. */
  source: string;
  http: HttpClient;
  stats: { requests: number; pages: number };
}

/** Every resource of a SCIM list (`Users`, `Groups`, `ServicePrincipals`...), page by page. */
export async function listScim(
  l: ScimList,
  resource: string,
  query: Record<string, string>,
  onPage: (n: number) => void = () => undefined,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let startIndex = 1;
  for (;;) {
    const q = new URLSearchParams({ ...query, startIndex: String(startIndex), count: String(l.pageSize) });
    const res = await l.http.request(`${l.base}/${resource}?${q.toString()}`, {
      headers: { authorization: `Bearer ${l.token}`, accept: "application/scim+json, application/json" },
    });
    l.stats.requests++;
    l.stats.pages++;
    const body = res.json<ListResponse>();
    if (!body || typeof body !== "object" || (body.Resources !== undefined && !Array.isArray(body.Resources))) {
      throw new SourceError(
        "source-bad-response",
        `source \`${l.source}\`: /${resource} page at startIndex ${startIndex} is not a SCIM ListResponse`,
        "check `url` points at the SCIM base URL",
      );
    }
    const page = body.Resources ?? [];
    out.push(...page);
    onPage(out.length);
    const total = typeof body.totalResults === "number" ? body.totalResults : undefined;
    // RFC 7644 3.4.2.4: startIndex is 1-based; a page may hold fewer than `count`. Stop when the
    // total is read, or when a page is empty (a server that under-reports or omits the total).
    if (page.length === 0 || total === undefined || startIndex - 1 + page.length >= total) return out;
    startIndex += page.length;
  }
}

function listAll(
  base: string,
  resource: "Users" | "Groups",
  query: Record<string, string>,
  config: ScimConfig,
  ctx: PullContext,
  stats: { requests: number; pages: number },
  onPage: (n: number) => void,
): Promise<Record<string, unknown>[]> {
  const l = { base, token: ctx.credential(config.token), pageSize: config.pageSize, source: ctx.source, http: ctx.http, stats };
  return listScim(l, resource, query, onPage);
}

/** The SCIM 2.0 connector. */
export const scim: Connector<ScimConfig> = {
  kind: "scim",
  yields: "directory",
  configSchema: ScimConfig as unknown as z.ZodType<ScimConfig>,
  async pull(config: ScimConfig, ctx: PullContext): Promise<PullResult> {
    const base = config.url.replace(/\/+$/, "");
    const stats = { requests: 0, pages: 0 };
    const issues: SourceIssue[] = [];
    const notes: string[] = [];
    const rawUsers = await listAll(base, "Users", {}, config, ctx, stats, (n) => ctx.progress({ users: n, pages: stats.pages }));
    const rawGroups = await listAll(base, "Groups", {}, config, ctx, stats, () => ctx.progress({ pages: stats.pages }));

    const groups: DirectoryGroup[] = [];
    const memberOf = new Map<string, Set<string>>();
    const addMember = (user: string, group: string) => {
      let s = memberOf.get(user);
      if (!s) memberOf.set(user, (s = new Set()));
      s.add(group);
    };
    let nestedSkipped = 0;
    const groupsHaveMembers = rawGroups.some((g) => Array.isArray(g.members));
    const usersHaveGroups = rawUsers.some((u) => Array.isArray(u.groups));
    const mode =
      config.memberships !== "auto"
        ? config.memberships
        : groupsHaveMembers
          ? "members"
          : usersHaveGroups
            ? "user-groups"
            : rawGroups.length > 0
              ? "filter"
              : "members";
    for (const g of rawGroups) {
      const id = str(g.id);
      const displayName = str(g.displayName);
      if (!id || !displayName) {
        issues.push({
          severity: "warning",
          code: "scim-group-unnamed",
          message: `source \`${ctx.source}\`: a group without \`id\` or \`displayName\` is left out`,
        });
        continue;
      }
      groups.push({ externalId: id, displayName });
      if (mode === "members" && Array.isArray(g.members)) {
        for (const m of g.members as { value?: unknown; type?: unknown }[]) {
          if (m.type === "Group") nestedSkipped++;
          else if (typeof m.value === "string") addMember(m.value, id);
        }
      }
    }
    if (nestedSkipped > 0)
      notes.push(`${nestedSkipped} nested group membership${nestedSkipped === 1 ? "" : "s"} left out: accessplane groups hold users only`);

    const users: DirectoryUser[] = [];
    for (const u of rawUsers) {
      const id = str(u.id);
      const userName = str(u.userName);
      if (!id || !userName) {
        issues.push({
          severity: "warning",
          code: "scim-user-unnamed",
          message: `source \`${ctx.source}\`: a user without \`id\` or \`userName\` is left out`,
        });
        continue;
      }
      if (mode === "user-groups" && Array.isArray(u.groups)) {
        for (const g of u.groups as { value?: unknown }[]) if (typeof g.value === "string") addMember(id, g.value);
      }
      const email = primaryEmail(u);
      users.push({
        externalId: id,
        userName,
        ...(email ? { email } : {}),
        // RFC 7643 4.1.1: `active` absent means the provider does not say; treat it as active.
        active: u.active !== false,
        attributes: flattenAttributes(u),
        groups: [],
      });
    }
    if (mode === "filter") {
      // One query per user, for servers that list memberships neither on groups nor on users.
      for (const u of users) {
        if (!u.active) continue;
        const found = await listAll(
          base,
          "Groups",
          { filter: `members.value eq ${filterValue(u.externalId)}`, attributes: "id" },
          config,
          ctx,
          stats,
          () => undefined,
        );
        for (const g of found) {
          const gid = str(g.id);
          if (gid) addMember(u.externalId, gid);
        }
        ctx.progress({ pages: stats.pages });
      }
    }
    for (const u of users) u.groups = [...(memberOf.get(u.externalId) ?? [])].sort();
    notes.push(
      `memberships from ${mode === "members" ? "the groups' members" : mode === "user-groups" ? "the users' groups attribute" : "a members filter per user"}`,
    );
    return { users, groups, issues, notes, stats };
  },
};
