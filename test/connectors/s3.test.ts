import { createHash, createHmac } from "node:crypto";
import { s3, scopeLocation, signV4, xmlOne, type S3Config } from "../../provider/connectors/s3";
import { context, expectNoSecret, serve, summary, type Answer, type FixtureServer, type Seen } from "./support";

const KEY_ID = "AKIAIOSFODNN7PLANTED";
const SECRET = "wJalrXUtnFEMI/K7MDENG/PLANTEDSECRETKEY";
const env = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET };
const ACCOUNT = "111122223333";

const location = (id: string, scope: string) =>
  `<AccessGrantsLocation><CreatedAt>2024-01-01T00:00:00Z</CreatedAt><AccessGrantsLocationId>${id}</AccessGrantsLocationId><AccessGrantsLocationArn>arn:aws:s3:eu-west-1:${ACCOUNT}:access-grants/default/location/${id}</AccessGrantsLocationArn><LocationScope>${scope}</LocationScope><IAMRoleArn>arn:aws:iam::${ACCOUNT}:role/grants</IAMRoleArn></AccessGrantsLocation>`;
/** ListAccessGrantsLocations pages (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessGrantsLocations.html). */
const LOCATION_PAGES = [
  `<?xml version="1.0" encoding="UTF-8"?><ListAccessGrantsLocationsResult><NextToken>tok-2</NextToken><AccessGrantsLocationsList>${location("default", "s3://")}${location("a1b2", "s3://acme-lake/finance/")}</AccessGrantsLocationsList></ListAccessGrantsLocationsResult>`,
  `<?xml version="1.0" encoding="UTF-8"?><ListAccessGrantsLocationsResult><AccessGrantsLocationsList>${location("c3d4", "s3://acme-raw")}${location("e5f6", "s3://acme-lake/r&amp;d/*")}</AccessGrantsLocationsList></ListAccessGrantsLocationsResult>`,
];
const listPage = (prefix: string, prefixes: string[], next?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>acme-lake</Name><Prefix>${prefix}</Prefix><KeyCount>${prefixes.length}</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>${next ? "true" : "false"}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ""}${prefixes.map((p) => `<CommonPrefixes><Prefix>${p}</Prefix></CommonPrefixes>`).join("")}</ListBucketResult>`;
const TAGGING = `<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>domain</Key><Value>finance</Value></Tag><Tag><Key>pii</Key><Value>true</Value></Tag></TagSet></Tagging>`;
const NO_TAGS = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchTagSet</Code><Message>The TagSet does not exist</Message><BucketName>acme-raw</BucketName></Error>`;
const NO_BUCKET = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`;

function aws(req: Seen): Answer {
  if (!String(req.headers.authorization ?? "").startsWith(`AWS4-HMAC-SHA256 Credential=${KEY_ID}/`)) {
    return {
      status: 403,
      body: `<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>`,
    };
  }
  const u = new URL(req.url, "http://x");
  if (u.pathname === "/control/v20180820/accessgrantsinstance/locations") {
    if (req.headers["x-amz-account-id"] !== ACCOUNT) return { status: 400, body: "<Error><Code>InvalidRequest</Code></Error>" };
    return { body: u.searchParams.get("nextToken") === "tok-2" ? LOCATION_PAGES[1] : LOCATION_PAGES[0] };
  }
  const m = /^\/s3\/([^/]+)\/$/.exec(u.pathname);
  if (m) {
    const bucket = m[1]!;
    if (bucket === "gone") return { status: 404, body: NO_BUCKET };
    if (u.searchParams.has("tagging")) return bucket === "acme-lake" ? { body: TAGGING } : { status: 404, body: NO_TAGS };
    const prefix = u.searchParams.get("prefix") ?? "";
    if (prefix === "" && !u.searchParams.get("continuation-token")) return { body: listPage("", ["finance/"], "c-2") };
    if (prefix === "") return { body: listPage("", ["hr/"]) };
    if (prefix === "finance/") return { body: listPage("finance/", ["finance/ledger/", "finance/tax/"]) };
    return { body: listPage(prefix, []) };
  }
  return { status: 404, body: "<Error><Code>NotFound</Code></Error>" };
}

const config = (url: string, extra: Partial<S3Config> = {}): S3Config =>
  s3.configSchema.parse({
    region: "eu-west-1",
    accountId: ACCOUNT,
    credentials: { accessKeyId: { env: "AWS_ACCESS_KEY_ID" }, secretAccessKey: { env: "AWS_SECRET_ACCESS_KEY" } },
    buckets: [{ name: "acme-lake", prefixes: ["finance/"], listPrefixes: true }, { name: "acme-raw" }],
    endpoints: { s3: `${url}/s3`, s3Control: `${url}/control` },
    ...extra,
  });

describe("s3 connector (Access Grants locations, buckets, prefixes, tags)", () => {
  let server: FixtureServer;
  let throttled = 0;
  beforeAll(async () => {
    server = await serve((req) =>
      throttled++ === 0
        ? {
            status: 503,
            headers: { "retry-after": "1" },
            body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
          }
        : aws(req),
    );
  });
  afterAll(() => server.close());

  test("locations over NextToken pages, buckets with tags, prefixes over continuation tokens, after a SlowDown", async () => {
    const ctx = context({ env });
    const r = await s3.pull(config(server.url), ctx);
    expect(summary(r)).toEqual([
      "acme-lake BUCKET",
      "acme-lake.finance/ PREFIX",
      "acme-lake.finance/ledger/ PREFIX",
      "acme-lake.finance/tax/ PREFIX",
      "acme-lake.hr/ PREFIX",
      "acme-lake.r&d/ PREFIX",
      "acme-raw BUCKET",
    ]);
    expect(r.objects!.find((o) => o.objectType === "BUCKET" && o.location.bucket === "acme-lake")!.labels).toEqual({
      domain: "finance",
      pii: "true",
    });
    expect(r.objects!.find((o) => o.location.bucket === "acme-raw")!.labels).toEqual({});
    expect(r.notes).toEqual(["S3 Access Grants location `s3://` covers every bucket: it is not pulled as a data source"]);
    expect(r.issues).toEqual([]);
    expect(ctx.retries).toEqual([503]);
    expect(server.seen.some((s) => s.url.includes("nextToken=tok-2"))).toBe(true);
    expect(server.seen.some((s) => s.url.includes("continuation-token=c-2"))).toBe(true);
    expectNoSecret(r, SECRET);
    for (const s of server.seen) expect(JSON.stringify(s.headers)).not.toContain(SECRET);
  });

  test("a bucket that does not exist is an issue, not a bucket without tags", async () => {
    const r = await s3.pull(
      config(server.url, { accessGrants: false, buckets: [{ name: "gone", prefixes: [], listPrefixes: false }] }),
      context({ env }),
    );
    expect(r.objects).toEqual([]);
    expect(r.issues).toEqual([expect.objectContaining({ severity: "error" })]);
    expect(r.issues[0]!.message).toContain("bucket gone");
  });

  test("refused keys are source-auth-refused, never showing the secret", async () => {
    const r = await s3.pull(config(server.url), context({ env: { AWS_ACCESS_KEY_ID: "AKIAWRONG", AWS_SECRET_ACCESS_KEY: SECRET } }));
    expect(r.issues.map((i) => i.code)).toContain("source-auth-refused");
    expectNoSecret(r, SECRET);
  });

  test("location scopes: s3:// is every bucket, a bucket, a folder, a trailing *", () => {
    expect(scopeLocation("s3://")).toBeUndefined();
    expect(scopeLocation("s3://b")).toEqual({ bucket: "b" });
    expect(scopeLocation("s3://b/")).toEqual({ bucket: "b" });
    expect(scopeLocation("s3://b/p/q/")).toEqual({ bucket: "b", prefix: "p/q/" });
    expect(scopeLocation("s3://b/p/*")).toEqual({ bucket: "b", prefix: "p/" });
    expect(xmlOne("<a><K>x &amp; &#x3c;y&#62;</K></a>", "K")).toBe("x & <y>");
  });

  test("SigV4 matches the documented GET Object example", () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (Example: GET Object)
    const h = signV4(
      "https://examplebucket.s3.amazonaws.com/test.txt",
      { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      "us-east-1",
      new Date("2013-05-24T00:00:00Z"),
      { Range: "bytes=0-9" },
    );
    expect(h.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });

  test("SigV4 agrees with the AWS SDK's signer on a query with a session token", async () => {
    // The SDK's signer comes with the dev dependency @aws-sdk/client-s3-control.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SignatureV4 } = require("@smithy/signature-v4") as typeof import("@smithy/signature-v4");
    const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
      typeof d === "string" ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    class Sha256 {
      private h;
      constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.h = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
      }
      update(d: string | ArrayBuffer | ArrayBufferView) {
        this.h.update(bytes(d));
      }
      digest() {
        return Promise.resolve(new Uint8Array(this.h.digest()));
      }
    }
    const keys = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret/EXAMPLE+key", sessionToken: "session-token-EXAMPLE" };
    const when = new Date("2026-03-01T12:34:56Z");
    const url = "https://acme-lake.s3.eu-west-1.amazonaws.com/?list-type=2&delimiter=%2F&prefix=r%26d%20x%2F&continuation-token=a%2Bb%3D";
    const mine = signV4(url, keys, "eu-west-1", when);
    const signer = new SignatureV4({
      credentials: keys,
      region: "eu-west-1",
      service: "s3",
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: true,
    });
    const u = new URL(url);
    const signed = await signer.sign(
      {
        method: "GET",
        protocol: "https:",
        hostname: u.hostname,
        path: u.pathname,
        query: Object.fromEntries(u.searchParams.entries()),
        headers: { host: u.host, "x-amz-content-sha256": mine["x-amz-content-sha256"]! },
      },
      { signingDate: when },
    );
    expect(mine.authorization).toBe(signed.headers.authorization);
  });
});
