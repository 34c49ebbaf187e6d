/**
 * The identity-center source against a local server speaking the Identity Store JSON 1.1 protocol
 * (the endpoint override): SigV4-signed POSTs, NextToken pages, a 429 with Retry-After, memberships.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { identityCenter, IdentityCenterConfig } from "../../provider/connectors/identity-center";
import { httpClient } from "../../provider/connectors/http";
import { compileScope } from "../../provider/connectors/scope";
import { resolveCredential } from "../../provider/connectors/credentials";
import type { PullContext } from "../../provider/connectors/types";

const SECRET = "wJalrXUtnFEMI/K7MDENG/PLANTEDKEY";

test("lists users, groups and memberships page by page, signed, honouring a 429", async () => {
  const seen: { target: string; auth: string; body: Record<string, unknown> }[] = [];
  let throttled = false;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"]);
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ target, auth: String(req.headers.authorization), body });
      const send = (x: unknown) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(x));
      };
      if (target === "AWSIdentityStore.ListUsers" && !body.NextToken) {
        if (!throttled) {
          throttled = true;
          res.writeHead(429, { "retry-after": "1" });
          res.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
          return;
        }
        return send({
          Users: [
            { UserId: "9067-a", UserName: "ana", Emails: [{ Value: "ana@example.com", Primary: true }], IdentityStoreId: "d-9067a1b2c3" },
          ],
          NextToken: "p2",
        });
      }
      if (target === "AWSIdentityStore.ListUsers")
        return send({ Users: [{ UserId: "9067-b", UserName: "ben", Title: "Analyst", IdentityStoreId: "d-9067a1b2c3" }] });
      if (target === "AWSIdentityStore.ListGroups")
        return send({ Groups: [{ GroupId: "g1", DisplayName: "analysts", IdentityStoreId: "d-9067a1b2c3" }] });
      if (target === "AWSIdentityStore.ListGroupMemberships")
        return send({ GroupMemberships: [{ MembershipId: "m1", GroupId: "g1", MemberId: { UserId: "9067-b" } }] });
      res.writeHead(400);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waits: number[] = [];
  const env = { AK: "AKIAIOSFODNN7EXAMPLE", SK: SECRET };
  const ctx: PullContext = {
    source: "idc",
    scope: compileScope(),
    credential: (ref) => resolveCredential(ref, env, "idc"),
    http: httpClient({ sleep: async (ms) => void waits.push(ms) }),
    progress: () => undefined,
    now: () => new Date(),
  };
  const config = IdentityCenterConfig.parse({
    identityStoreId: "d-9067a1b2c3",
    region: "eu-west-1",
    accessKeyId: { env: "AK" },
    secretAccessKey: { env: "SK" },
    endpoint,
  });
  const r = await identityCenter.pull(config, ctx);
  server.close();
  server.closeAllConnections();
  expect(waits).toEqual([1000]);
  expect(r.users).toEqual([
    {
      externalId: "9067-a",
      userName: "ana",
      email: "ana@example.com",
      active: true,
      attributes: {},
      groups: [],
      identities: { identityCenter: "9067-a" },
    },
    {
      externalId: "9067-b",
      userName: "ben",
      active: true,
      attributes: { Title: ["Analyst"] },
      groups: ["g1"],
      identities: { identityCenter: "9067-b" },
    },
  ]);
  expect(r.groups).toEqual([{ externalId: "g1", displayName: "analysts", identities: { identityCenter: "g1" } }]);
  expect(seen.map((s) => `${s.target} ${String(s.body.NextToken ?? "")}`)).toEqual([
    "AWSIdentityStore.ListUsers ",
    "AWSIdentityStore.ListUsers ",
    "AWSIdentityStore.ListUsers p2",
    "AWSIdentityStore.ListGroups ",
    "AWSIdentityStore.ListGroupMemberships ",
  ]);
  for (const s of seen) {
    expect(s.auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/identitystore\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
    expect(s.auth).not.toContain(SECRET);
    expect(s.body.IdentityStoreId).toBe("d-9067a1b2c3");
  }
  expect(seen[4]!.body.GroupId).toBe("g1");
});
