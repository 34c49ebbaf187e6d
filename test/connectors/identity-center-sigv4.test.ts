/**
 * The identity-center source's SigV4 signing, pinned against AWS's published examples: the
 * "get-vanilla" and "post-vanilla" cases of the Signature Version 4 test suite (as vendored by
 * `@smithy/signature-v4`'s own suite test, which signs them without `x-amz-content-sha256`) and
 * the IAM `ListUsers` example of the IAM user guide ("Examples of the complete Signature Version 4
 * signing process"). An independent derivation with node:crypto, written from the documented
 * algorithm, checks each step and recomputes the signature of the identity store requests the
 * connector sends.
 */
import { createHash, createHmac } from "node:crypto";
import { identityCenter, IdentityCenterConfig, sigV4Signer } from "../../provider/connectors/identity-center";
import { resolveCredential } from "../../provider/connectors/credentials";
import { compileScope } from "../../provider/connectors/scope";
import type { HttpRequest, HttpResponse, PullContext } from "../../provider/connectors/types";

/** The documented example credentials and instant (AWS's own example key, not a real one). */
const KEY_ID = "AKIDEXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AT = new Date("2015-08-30T12:36:00Z");
const AMZ_DATE = "20150830T123600Z";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s).digest();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
const signingKey = (secret: string, date: string, region: string, service: string) =>
  hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");

/** The canonical request: method, path, query, each signed header `name:value`, the signed names, the payload hash. */
function canonicalRequest(method: string, path: string, query: string, headers: Record<string, string>, signed: string[], payload: string) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, " ")]));
  return [method, path, query, ...signed.map((h) => `${h}:${lower[h]}`), "", signed.join(";"), sha256(payload)].join("\n");
}

const stringToSign = (amzDate: string, scope: string, creq: string) => ["AWS4-HMAC-SHA256", amzDate, scope, sha256(creq)].join("\n");

/** The connector's signer for the documented examples: their service, without the payload-hash header. */
const exampleSigner = (service: string) =>
  sigV4Signer(
    { service, region: "us-east-1", credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, applyChecksum: false },
    "example",
  );

describe("the documented examples", () => {
  test("get-vanilla: each step of the reference derivation", () => {
    const creq = canonicalRequest("GET", "/", "", { Host: "example.amazonaws.com", "X-Amz-Date": AMZ_DATE }, ["host", "x-amz-date"], "");
    expect(creq).toBe(`GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:${AMZ_DATE}\n\nhost;x-amz-date\n${EMPTY_SHA256}`);
    const sts = stringToSign(AMZ_DATE, "20150830/us-east-1/service/aws4_request", creq);
    expect(sts).toBe(
      `AWS4-HMAC-SHA256\n${AMZ_DATE}\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63`,
    );
    const signature = createHmac("sha256", signingKey(SECRET, "20150830", "us-east-1", "service"))
      .update(sts)
      .digest("hex");
    expect(signature).toBe("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  });

  test.each([
    ["get-vanilla", "GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"],
    ["post-vanilla", "POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"],
  ])("%s: the connector's signer, its clock fixed, gives the suite's Authorization", async (_name, method, signature) => {
    const signed = await exampleSigner("service").sign(
      { method, protocol: "https:", hostname: "example.amazonaws.com", path: "/", query: {}, headers: { host: "example.amazonaws.com" } },
      { signingDate: AT },
    );
    expect(signed.headers["x-amz-date"]).toBe(AMZ_DATE);
    expect(signed.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    );
  });

  test("IAM ListUsers: canonical request hash, signing key and signature as the IAM user guide gives them", async () => {
    const headers = {
      "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
      Host: "iam.amazonaws.com",
      "X-Amz-Date": AMZ_DATE,
    };
    const creq = canonicalRequest("GET", "/", "Action=ListUsers&Version=2010-05-08", headers, ["content-type", "host", "x-amz-date"], "");
    expect(sha256(creq)).toBe("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    const key = signingKey(SECRET, "20150830", "us-east-1", "iam");
    expect(key.toString("hex")).toBe("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    const sts = stringToSign(AMZ_DATE, "20150830/us-east-1/iam/aws4_request", creq);
    expect(createHmac("sha256", key).update(sts).digest("hex")).toBe("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

    const signed = await exampleSigner("iam").sign(
      {
        method: "GET",
        protocol: "https:",
        hostname: "iam.amazonaws.com",
        path: "/",
        query: { Action: "ListUsers", Version: "2010-05-08" },
        headers: { host: "iam.amazonaws.com", "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      },
      { signingDate: AT },
    );
    expect(signed.headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    );
  });
});

/** A recorded request of the connector. */
interface Sent {
  url: string;
  init: HttpRequest;
}

/** An HTTP client answering every identity store operation with one empty page, recording what is sent. */
function recordingHttp(sent: Sent[], answer: (target: string) => unknown) {
  return {
    async request(url: string, init: HttpRequest): Promise<HttpResponse> {
      sent.push({ url, init });
      const body = answer(String(init.headers?.["x-amz-target"]));
      return { status: 200, headers: {}, text: JSON.stringify(body), json: <T>() => body as T };
    },
  };
}

const context = (http: PullContext["http"]): PullContext => ({
  source: "idc",
  scope: compileScope(),
  credential: (ref) => resolveCredential(ref, { AK: KEY_ID, SK: SECRET }, "idc"),
  http,
  progress: () => undefined,
  now: () => AT,
});

const config = IdentityCenterConfig.parse({
  identityStoreId: "d-9067a1b2c3",
  region: "us-east-1",
  accessKeyId: { env: "AK" },
  secretAccessKey: { env: "SK" },
});

const EMPTY: Record<string, unknown> = {
  "AWSIdentityStore.ListUsers": { Users: [] },
  "AWSIdentityStore.ListGroups": { Groups: [{ GroupId: "g1", DisplayName: "analysts" }] },
  "AWSIdentityStore.ListGroupMemberships": { GroupMemberships: [] },
};

test("the identity store requests are signed for identitystore in the source's region, and their signatures recompute", async () => {
  const sent: Sent[] = [];
  await identityCenter.pull(config, context(recordingHttp(sent, (t) => EMPTY[t])));
  expect(sent.map((s) => [s.url, s.init.method, s.init.headers?.["x-amz-target"]])).toEqual([
    ["https://identitystore.us-east-1.amazonaws.com/", "POST", "AWSIdentityStore.ListUsers"],
    ["https://identitystore.us-east-1.amazonaws.com/", "POST", "AWSIdentityStore.ListGroups"],
    ["https://identitystore.us-east-1.amazonaws.com/", "POST", "AWSIdentityStore.ListGroupMemberships"],
  ]);
  const key = signingKey(SECRET, "20150830", "us-east-1", "identitystore");
  for (const { init } of sent) {
    const headers = init.headers!;
    const payload = init.body!;
    expect(headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(headers["x-amz-date"]).toBe(AMZ_DATE);
    expect(headers["x-amz-content-sha256"]).toBe(sha256(payload));
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization!);
    expect(m).not.toBeNull();
    const [, credential, signedHeaders, signature] = m!;
    expect(credential).toBe("AKIDEXAMPLE/20150830/us-east-1/identitystore/aws4_request");
    expect(signedHeaders).toBe("content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target");
    const creq = canonicalRequest("POST", "/", "", headers, signedHeaders!.split(";"), payload);
    const sts = stringToSign(AMZ_DATE, "20150830/us-east-1/identitystore/aws4_request", creq);
    expect(signature).toBe(createHmac("sha256", key).update(sts).digest("hex"));
  }
  // The body is the signed one, and the secret is in no header or body sent.
  expect(JSON.parse(sent[2]!.init.body!)).toEqual({ GroupId: "g1", IdentityStoreId: "d-9067a1b2c3", MaxResults: 100 });
  expect(JSON.stringify(sent)).not.toContain(SECRET);
});

test("a session token is sent and signed as x-amz-security-token", async () => {
  const sent: Sent[] = [];
  const withToken = IdentityCenterConfig.parse({ ...config, sessionToken: { env: "ST" } });
  const ctx = { ...context(recordingHttp(sent, (t) => EMPTY[t])) };
  ctx.credential = (ref) => resolveCredential(ref, { AK: KEY_ID, SK: SECRET, ST: "session-token-example" }, "idc");
  await identityCenter.pull(withToken, ctx);
  const headers = sent[0]!.init.headers!;
  expect(headers["x-amz-security-token"]).toBe("session-token-example");
  expect(headers.authorization).toContain(
    "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target,",
  );
});

test("an answer without the listed key fails the source with a message that names no secret", async () => {
  const sent: Sent[] = [];
  const err = await identityCenter
    .pull(config, context(recordingHttp(sent, () => ({ message: "nope" }))))
    .catch((e: unknown) => e as Error);
  expect(err).toMatchObject({ code: "source-bad-response", message: "source `idc`: ListUsers answered without `Users`" });
  expect(JSON.stringify({ message: (err as Error).message, help: (err as { help?: string }).help })).not.toContain(SECRET);
});
