/**
 * A Databricks workspace that answers grant reads, in the documented wire format: the Unity Catalog
 * permissions API (pages by `next_page_token`, an empty first page that still carries a token),
 * owners from the securables' GET, and the workspace SCIM API (pages by `startIndex`); listings and
 * statements come from the connectors' fixture. Requests without the bearer token are a 401, the
 * `forbidden` paths a 403.
 */
import { databricksHandler, type DbxWorkspace } from "../connectors/fixtures/databricks";
import type { Answer, Seen } from "../connectors/support";

export type Assignment = { principal: string; privileges: string[]; principal_id?: number };

/** A workspace: UC listings and statements (the connectors' fixture), grants, owners and SCIM. */
export interface GrantsFixture {
  ws: DbxWorkspace;
  /** `<securable_type>/<full_name>` → assignments (one per page, after an empty first page with a token). */
  grants: Record<string, Assignment[]>;
  /** `<catalogs|schemas|tables>/<full_name>` → owner. */
  owners: Record<string, string>;
  scim: Record<"Users" | "ServicePrincipals" | "Groups", Record<string, unknown>[]>;
  /** Paths answered 403. */
  forbidden?: string[];
}

/** A handler serving `f` to requests that carry `token`. */
export function grantsHandler(f: GrantsFixture, token: string): (req: Seen) => Answer {
  const base = databricksHandler(f.ws, { token });
  return (req) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return { status: 401, body: { error_code: "UNAUTHENTICATED", message: "Invalid access token." } };
    const url = new URL(req.url, "http://x");
    const q = url.searchParams;
    if (f.forbidden?.includes(url.pathname))
      return { status: 403, body: { error_code: "PERMISSION_DENIED", message: `User does not have MANAGE on ${url.pathname}` } };
    let m = /^\/api\/2\.1\/unity-catalog\/permissions\/(\w+)\/(.+)$/.exec(url.pathname);
    if (m) {
      expect(q.get("max_results")).toBe("0");
      const all = f.grants[`${m[1]}/${decodeURIComponent(m[2]!)}`] ?? [];
      const token = q.get("page_token");
      if (token === null) return { body: { privilege_assignments: [], next_page_token: "g0" } };
      const i = Number(token.slice(1));
      return { body: { privilege_assignments: all.slice(i, i + 1), ...(i + 1 < all.length ? { next_page_token: `g${i + 1}` } : {}) } };
    }
    m = /^\/api\/2\.1\/unity-catalog\/(catalogs|schemas|tables)\/(.+)$/.exec(url.pathname);
    if (m) {
      const full = decodeURIComponent(m[2]!);
      const owner = f.owners[`${m[1]}/${full}`];
      return owner === undefined
        ? { status: 404, body: { error_code: "NOT_FOUND", message: "no such securable" } }
        : { body: { full_name: full, owner } };
    }
    m = /^\/api\/2\.0\/preview\/scim\/v2\/(Users|ServicePrincipals|Groups)$/.exec(url.pathname);
    if (m) {
      // Two resources a page, whatever `count` asks: the reader pages by what it received.
      const all = f.scim[m[1] as keyof GrantsFixture["scim"]];
      const start = Number(q.get("startIndex") ?? "1");
      const page = all.slice(start - 1, start + 1);
      return {
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
          totalResults: all.length,
          startIndex: start,
          itemsPerPage: page.length,
          Resources: page,
        },
      };
    }
    return base(req);
  };
}
