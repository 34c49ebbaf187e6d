/**
 * The AWS IAM Identity Center identity store: ListUsers, ListGroups and ListGroupMemberships of the
 * Identity Store API over its JSON 1.1 protocol (`POST /`, `X-Amz-Target: AWSIdentityStore.<op>`,
 * https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_ListUsers.html),
 * signed with SigV4 (service `identitystore`), paged with `NextToken` until it is absent. Each user's
 * `UserId` is its `identityCenter` identity (the id S3 Access Grants grants to).
 *
 * The signer is `@smithy/signature-v4`, loaded when the source runs; it is a dependency of the AWS
 * SDK clients, not of accessplane itself.
 */
import { createHash, createHmac } from "node:crypto";
import { z } from "zod";
import { Credential } from "./credentials";
import { type Connector, type DirectoryGroup, type DirectoryUser, type PullContext, type PullResult, SourceError } from "./types";

/** An identity-center source's connector keys. */
export const IdentityCenterConfig = z.strictObject({
  /** The identity store id, `d-` and ten hex digits. */
  identityStoreId: z.string().regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: "must be an identity store id such as `d-9067a1b2c3`",
  }),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as `eu-west-1`" }),
  accessKeyId: Credential,
  secretAccessKey: Credential,
  sessionToken: Credential.optional(),
  /** The endpoint (default `https://identitystore.<region>.amazonaws.com`); tests and VPC endpoints set it. */
  endpoint: z.string().url().optional(),
  pageSize: z.number().int().min(1).max(100).default(100),
});
/** An identity-center source's connector keys. */
export type IdentityCenterConfig = z.infer<typeof IdentityCenterConfig>;

/** SHA-256 (and HMAC-SHA-256 with a secret) in the shape the SigV4 signer expects. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

/** Signs one HTTP request (headers gain `x-amz-date` and `authorization`); `signingDate` fixes the clock. */
export interface Signer {
  sign(req: unknown, options?: { signingDate?: Date }): Promise<{ headers: Record<string, string> }>;
}

/** What a SigV4 signer signs for: one service in one region, with resolved credentials. */
export interface SignerOptions {
  service: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Also sign the payload hash as `x-amz-content-sha256` (default, as the AWS SDKs send it). */
  applyChecksum?: boolean;
}

/** A SigV4 signer (`@smithy/signature-v4` over node:crypto's SHA-256); `source` names the source in errors. */
export function sigV4Signer(o: SignerOptions, source: string): Signer {
  let mod: { SignatureV4: new (o: unknown) => Signer };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require("@smithy/signature-v4") as typeof mod;
  } catch {
    throw new SourceError(
      "source-dependency-missing",
      `source \`${source}\`: the package \`@smithy/signature-v4\` is not installed`,
      "npm install @smithy/signature-v4 (it signs AWS requests)",
    );
  }
  return new mod.SignatureV4({ ...o, sha256: Sha256 });
}

function signer(config: IdentityCenterConfig, ctx: PullContext): Signer {
  const sessionToken = config.sessionToken ? ctx.credential(config.sessionToken) : undefined;
  return sigV4Signer(
    {
      service: "identitystore",
      region: config.region,
      credentials: {
        accessKeyId: ctx.credential(config.accessKeyId),
        secretAccessKey: ctx.credential(config.secretAccessKey),
        ...(sessionToken ? { sessionToken } : {}),
      },
    },
    ctx.source,
  );
}

interface Page {
  NextToken?: string;
}

async function listAll<T>(
  op: string,
  body: Record<string, unknown>,
  key: string,
  config: IdentityCenterConfig,
  sign: Signer,
  ctx: PullContext,
  stats: { requests: number; pages: number },
): Promise<T[]> {
  const endpoint = new URL(config.endpoint ?? `https://identitystore.${config.region}.amazonaws.com`);
  const out: T[] = [];
  let token: string | undefined;
  for (;;) {
    const payload = JSON.stringify({
      ...body,
      IdentityStoreId: config.identityStoreId,
      MaxResults: config.pageSize,
      ...(token ? { NextToken: token } : {}),
    });
    const signed = await sign.sign(
      {
        method: "POST",
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
        path: "/",
        headers: { host: endpoint.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSIdentityStore.${op}` },
        body: payload,
      },
      { signingDate: ctx.now() },
    );
    const res = await ctx.http.request(`${endpoint.origin}/`, { method: "POST", headers: signed.headers, body: payload });
    stats.requests++;
    stats.pages++;
    const page = res.json<Page & Record<string, unknown>>();
    const items = page?.[key];
    if (!Array.isArray(items))
      throw new SourceError(
        "source-bad-response",
        `source \`${ctx.source}\`: ${op} answered without \`${key}\``,
        "check `endpoint` points at the identity store API",
      );
    out.push(...(items as T[]));
    token = typeof page.NextToken === "string" && page.NextToken !== "" ? page.NextToken : undefined;
    if (!token) return out;
  }
}

interface IdsUser {
  UserId: string;
  UserName?: string;
  DisplayName?: string;
  Title?: string;
  UserType?: string;
  Emails?: { Value?: string; Primary?: boolean }[];
  Name?: { GivenName?: string; FamilyName?: string };
}

/** The identity store connector. */
export const identityCenter: Connector<IdentityCenterConfig> = {
  kind: "identity-center",
  yields: "directory",
  configSchema: IdentityCenterConfig as unknown as z.ZodType<IdentityCenterConfig>,
  async pull(config: IdentityCenterConfig, ctx: PullContext): Promise<PullResult> {
    const sign = signer(config, ctx);
    const stats = { requests: 0, pages: 0 };
    const rawUsers = await listAll<IdsUser>("ListUsers", {}, "Users", config, sign, ctx, stats);
    ctx.progress({ users: rawUsers.length, pages: stats.pages });
    const rawGroups = await listAll<{ GroupId: string; DisplayName?: string; Description?: string }>(
      "ListGroups",
      {},
      "Groups",
      config,
      sign,
      ctx,
      stats,
    );
    const memberOf = new Map<string, string[]>();
    const groups: DirectoryGroup[] = [];
    for (const g of rawGroups) {
      if (!g.DisplayName) continue;
      // An Identity Center group is an S3 Access Grants grantee by its id: the source knows that identity.
      groups.push({
        externalId: g.GroupId,
        displayName: g.DisplayName,
        ...(g.Description ? { description: g.Description } : {}),
        identities: { identityCenter: g.GroupId },
      });
      const ms = await listAll<{ MemberId?: { UserId?: string } }>(
        "ListGroupMemberships",
        { GroupId: g.GroupId },
        "GroupMemberships",
        config,
        sign,
        ctx,
        stats,
      );
      for (const m of ms) {
        const u = m.MemberId?.UserId;
        if (u) (memberOf.get(u) ?? memberOf.set(u, []).get(u)!).push(g.GroupId);
      }
      ctx.progress({ users: rawUsers.length, pages: stats.pages });
    }
    const users: DirectoryUser[] = rawUsers
      .filter((u) => typeof u.UserId === "string" && typeof u.UserName === "string")
      .map((u) => {
        const email = (u.Emails?.find((e) => e.Primary) ?? u.Emails?.[0])?.Value;
        const attributes: Record<string, string[]> = {};
        for (const [k, v] of [
          ["DisplayName", u.DisplayName],
          ["Title", u.Title],
          ["UserType", u.UserType],
          ["Name.GivenName", u.Name?.GivenName],
          ["Name.FamilyName", u.Name?.FamilyName],
        ] as const)
          if (v) attributes[k] = [v];
        return {
          externalId: u.UserId,
          userName: u.UserName!,
          ...(email ? { email } : {}),
          active: true,
          attributes,
          groups: [...(memberOf.get(u.UserId) ?? [])].sort(),
          identities: { identityCenter: u.UserId },
        };
      });
    return { users, groups, issues: [], stats };
  },
};
