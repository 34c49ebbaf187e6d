/**
 * Amazon S3: the locations registered in the account's S3 Access Grants instance, and the
 * configured buckets (with their tags) and prefixes, through the REST APIs signed with Signature
 * Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)
 * over the pull's HTTP client, so that throttling (503 SlowDown) is retried like every source's:
 * - `ListAccessGrantsLocations`: `GET /v20180820/accessgrantsinstance/locations` on
 *   `{account}.s3-control.{region}.amazonaws.com`, paged by `nextToken`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessGrantsLocations.html);
 * - `ListObjectsV2` with `delimiter=/` for the prefixes under a configured prefix, paged by
 *   `continuation-token` (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html);
 *   also how a configured bucket is checked to exist;
 * - `GetBucketTagging` (`GET /?tagging`) for a bucket's tags; 404 (NoSuchTagSet) is a bucket
 *   without tags (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html).
 *
 * A location scope `s3://` (the default location: every bucket) is no data source; `s3://bucket`
 * is a BUCKET, `s3://bucket/prefix/` a PREFIX.
 */
import { createHash, createHmac } from "node:crypto";
import { z } from "zod";
import { Credential } from "./credentials";
import { type Counter, catalogResult, countingHttp, failureIssue, trimSlash } from "./catalog-common";
import type { CatalogObject, Connector, HttpClient, PullContext, PullResult, SourceIssue } from "./types";
import { SourceError } from "./types";

const Bucket = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be an S3 bucket name" }),
  /** Prefixes to pull as PREFIX data sources, each ending in `/` (`finance/`). */
  prefixes: z.array(z.string().regex(/^.+\/$/, { message: "must end with `/`, as S3 Access Grants scopes a folder" })).default([]),
  /** Also pull every prefix one level under the bucket root and under each of `prefixes` (ListObjectsV2 with `delimiter=/`). */
  listPrefixes: z.boolean().default(false),
});

/** The keys of a `kind: s3` source. */
export const S3Config = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: "must be an AWS region such as `eu-west-1`" }),
  /** The account of the S3 Access Grants instance. */
  accountId: z.string().regex(/^\d{12}$/, { message: "must be a 12-digit AWS account id" }),
  credentials: z.strictObject({ accessKeyId: Credential, secretAccessKey: Credential, sessionToken: Credential.optional() }),
  /** Read the Access Grants instance's locations (default true). */
  accessGrants: z.boolean().default(true),
  buckets: z.array(Bucket).default([]),
  /** Endpoint overrides (VPC endpoints); path-style bucket addressing is used with `s3`. */
  endpoints: z.strictObject({ s3: z.url().optional(), s3Control: z.url().optional() }).default({}),
});
/** An S3 source's configuration. */
export type S3Config = z.infer<typeof S3Config>;

/** AWS credentials, resolved. */
export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s).digest();
/** RFC 3986 encoding, as SigV4 wants it (`encodeURIComponent` leaves `!'()*`). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Signs a GET request with SigV4 for service `s3`: returns the headers to send (the host header is
 * the URL's, which fetch sends). `now` is the signing time.
 */
export function signV4(url: string, keys: AwsKeys, region: string, now: Date, extra: Record<string, string> = {}): Record<string, string> {
  const u = new URL(url);
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payload = sha256("");
  const headers: Record<string, string> = {
    host: u.host,
    "x-amz-content-sha256": payload,
    "x-amz-date": amzDate,
    ...(keys.sessionToken ? { "x-amz-security-token": keys.sessionToken } : {}),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const names = Object.keys(headers).sort();
  const query = [...u.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  // S3 paths are encoded once, segment by segment.
  const path =
    u.pathname
      .split("/")
      .map((s) => rfc3986(decodeURIComponent(s)))
      .join("/") || "/";
  const canonical = ["GET", path, query, names.map((n) => `${n}:${headers[n]!.trim()}\n`).join(""), names.join(";"), payload].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/** Decodes XML character data. */
export const xmlText = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith("#x")
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith("#")
        ? String.fromCodePoint(Number(e.slice(1)))
        : ENTITIES[e]!,
  );
/** The inner XML of every `<tag>` element (no nesting of the same tag). */
export const xmlAll = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]!);
/** The text of the first `<tag>` element, decoded, or undefined. */
export const xmlOne = (xml: string, tag: string) => {
  const v = xmlAll(xml, tag)[0];
  return v === undefined ? undefined : xmlText(v);
};

interface Api {
  keys: AwsKeys;
  config: S3Config;
  http: HttpClient;
  counter: Counter;
  now: () => Date;
}

async function get(api: Api, url: string, extra: Record<string, string> = {}): Promise<string> {
  return (await api.http.request(url, { method: "GET", headers: signV4(url, api.keys, api.config.region, api.now(), extra) })).text;
}

const bucketUrl = (c: S3Config, bucket: string) =>
  c.endpoints.s3 ? `${trimSlash(c.endpoints.s3)}/${encodeURIComponent(bucket)}/` : `https://${bucket}.s3.${c.region}.amazonaws.com/`;

/** A location scope as a data source's location, or undefined for `s3://` (every bucket). */
export function scopeLocation(scope: string): { bucket: string; prefix?: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(scope);
  if (!m) return undefined;
  // A scope may end with `*` (every key under the prefix); the folder is the prefix before it.
  const prefix = m[2]!.replace(/\*$/, "");
  return prefix === "" ? { bucket: m[1]! } : { bucket: m[1]!, prefix };
}

/** Where a source's S3 Control requests go: `{account}.s3-control.{region}.amazonaws.com`, or the override. */
export const s3ControlRoot = (c: S3Config) =>
  c.endpoints.s3Control ? trimSlash(c.endpoints.s3Control) : `https://${c.accountId}.s3-control.${c.region}.amazonaws.com`;

/** How an S3 Control list operation of the Access Grants instance is read. */
export interface ControlList {
  http: HttpClient;
  keys: AwsKeys;
  config: S3Config;
  now: () => Date;
  /** The operation's name, for errors. */
  operation: string;
  /** Below `/v20180820/accessgrantsinstance/`, e.g. `locations`. */
  path: string;
  /** The element of one listed item, e.g. `AccessGrantsLocation`. */
  item: string;
  pageSize?: number;
  onPage?: () => void;
}

/** Every page of an S3 Control list operation (`nextToken` / `maxResults`, `x-amz-account-id`): each item's inner XML. */
export async function controlPages(o: ControlList): Promise<string[]> {
  const c = o.config;
  const items: string[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    const q = new URLSearchParams({ maxResults: String(o.pageSize ?? 1000), ...(token ? { nextToken: token } : {}) });
    const url = `${s3ControlRoot(c)}/v20180820/accessgrantsinstance/${o.path}?${q.toString()}`;
    const headers = signV4(url, o.keys, c.region, o.now(), { "x-amz-account-id": c.accountId });
    const xml = (await o.http.request(url, { method: "GET", headers })).text;
    o.onPage?.();
    items.push(...xmlAll(xml, o.item));
    token = xmlOne(xml, "NextToken") || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new SourceError("source-bad-response", `${o.operation} returned the same NextToken twice`);
      seen.add(token);
    }
  } while (token !== undefined);
  return items;
}

async function accessGrantsLocations(api: Api): Promise<string[]> {
  const entries = await controlPages({
    http: api.http,
    keys: api.keys,
    config: api.config,
    now: api.now,
    operation: "ListAccessGrantsLocations",
    path: "locations",
    item: "AccessGrantsLocation",
    onPage: () => api.counter.pages++,
  });
  return entries.map((e) => xmlOne(e, "LocationScope")).filter((s): s is string => !!s);
}

/** The prefixes one level under `prefix` (ListObjectsV2 with a delimiter), every page. */
async function childPrefixes(api: Api, bucket: string, prefix: string, maxKeys = 1000, allPages = true): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({
      "list-type": "2",
      delimiter: "/",
      "max-keys": String(maxKeys),
      ...(prefix ? { prefix } : {}),
      ...(token ? { "continuation-token": token } : {}),
    });
    const xml = await get(api, `${bucketUrl(api.config, bucket)}?${q.toString()}`);
    api.counter.pages++;
    for (const cp of xmlAll(xml, "CommonPrefixes")) {
      const p = xmlOne(cp, "Prefix");
      if (p) out.push(p);
    }
    token = allPages && xmlOne(xml, "IsTruncated") === "true" ? xmlOne(xml, "NextContinuationToken") : undefined;
  } while (token !== undefined);
  return out;
}

async function bucketTags(api: Api, bucket: string): Promise<Record<string, string>> {
  let xml: string;
  try {
    xml = await get(api, `${bucketUrl(api.config, bucket)}?tagging=`);
  } catch (e) {
    // NoSuchTagSet: the bucket exists (ListObjectsV2 answered) and has no tags.
    if (e instanceof SourceError && /HTTP 404/.test(e.message)) return {};
    throw e;
  }
  const tags: Record<string, string> = {};
  for (const t of xmlAll(xml, "Tag")) {
    const k = xmlOne(t, "Key");
    if (k !== undefined) tags[k] = xmlOne(t, "Value") ?? "";
  }
  return tags;
}

/** Pulls the Access Grants locations and the configured buckets. */
export async function pullS3(config: S3Config, ctx: PullContext): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  const issues: SourceIssue[] = [];
  const notes: string[] = [];
  const found = new Map<string, CatalogObject>();
  const add = (bucket: string, prefix: string | undefined, labels: Record<string, string>) => {
    const path = prefix === undefined ? [bucket] : [bucket, prefix];
    if (!ctx.scope.object(path)) return;
    const key = path.join("\u0000");
    const have = found.get(key);
    if (have) Object.assign(have.labels, labels);
    else
      found.set(key, {
        platform: "s3",
        objectType: prefix === undefined ? "BUCKET" : "PREFIX",
        location: prefix === undefined ? { bucket } : { bucket, prefix },
        labels: { ...labels },
      });
  };
  let api: Api;
  try {
    const keys: AwsKeys = {
      accessKeyId: ctx.credential(config.credentials.accessKeyId),
      secretAccessKey: ctx.credential(config.credentials.secretAccessKey),
      ...(config.credentials.sessionToken ? { sessionToken: ctx.credential(config.credentials.sessionToken) } : {}),
    };
    api = { keys, config, http: countingHttp(ctx.http, counter), counter, now: () => ctx.now() };
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "no credential")], counter);
  }
  if (config.accessGrants) {
    try {
      for (const scope of await accessGrantsLocations(api)) {
        const loc = scopeLocation(scope);
        if (!loc) {
          notes.push(`S3 Access Grants location \`${scope}\` covers every bucket: it is not pulled as a data source`);
          continue;
        }
        if (ctx.scope.container([loc.bucket])) add(loc.bucket, loc.prefix, {});
      }
    } catch (e) {
      issues.push(failureIssue(ctx, e, "ListAccessGrantsLocations failed"));
    }
    ctx.progress({ objects: found.size, pages: counter.pages });
  }
  for (const b of config.buckets) {
    if (!ctx.scope.container([b.name])) continue;
    try {
      // Also proves the bucket exists, before a 404 on ?tagging is read as "no tags".
      const top = await childPrefixes(api, b.name, "", b.listPrefixes ? 1000 : 1, b.listPrefixes);
      add(b.name, undefined, await bucketTags(api, b.name));
      for (const p of b.prefixes) add(b.name, p, {});
      if (b.listPrefixes) {
        for (const p of top) add(b.name, p, {});
        for (const base of b.prefixes) for (const p of await childPrefixes(api, b.name, base)) add(b.name, p, {});
      }
    } catch (e) {
      issues.push(failureIssue(ctx, e, `reading bucket ${b.name} failed`));
    }
    ctx.progress({ objects: found.size, pages: counter.pages });
  }
  return catalogResult([...found.values()], issues, counter, notes);
}

/** The S3 connector (`kind: s3`). */
export const s3: Connector<S3Config> = {
  kind: "s3",
  yields: "catalog",
  configSchema: S3Config as unknown as z.ZodType<S3Config>,
  pull: pullS3,
};
