/**
 * Trino providers. SQL mode runs against an in-memory stand-in for the coordinator that answers the
 * provider's catalog queries and applies its GRANT/REVOKE/ROLE statements (there is no Trino server
 * here; the statements' syntax is checked against Trino's grammar in test/sql/trino.test.ts).
 * File mode writes and reads a real rules.json in a temporary directory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TrinoRoleGrantsProvider } from "../../provider/pulumi/dynamic/trino-roles";
import { TrinoAccessRulesProvider } from "../../provider/pulumi/dynamic/trino-rules";
import { FakeTrino } from "./fake-trino";
import { ProviderError } from "../../provider/pulumi/dynamic/errors";
import { renderTrinoRules, trinoRulesDocument } from "../../provider/platforms/sql/trino-rules";

beforeAll(() => {
  process.env.ACCESSPLANE_TRINO_URL = "http://127.0.0.1:8080";
  process.env.ACCESSPLANE_TRINO_USER = "accessplane";
});
afterAll(() => {
  delete process.env.ACCESSPLANE_TRINO_URL;
  delete process.env.ACCESSPLANE_TRINO_USER;
});

describe("TrinoRoleGrants (SQL mode)", () => {
  const inputs = {
    role: 'ap "analysts"',
    roleCatalog: "hive",
    members: ["bob", "alice"],
    grants: [{ catalog: "hive", schema: "sales", table: "orders", privileges: ["SELECT"] }],
  };

  test("check normalises and refuses OWNERSHIP in SQL mode", async () => {
    const p = new TrinoRoleGrantsProvider(async () => new FakeTrino());
    expect((await p.check({}, inputs)).inputs).toEqual({ ...inputs, members: ["alice", "bob"] });
    expect((await p.check({}, { ...inputs, grants: [{ ...inputs.grants[0], privileges: ["OWNERSHIP"] }] })).failures).toEqual([
      {
        property: "grants.0.privileges.0",
        reason: "SQL mode grants SELECT, INSERT, UPDATE and DELETE only; OWNERSHIP needs file mode (rules.json)",
      },
    ]);
  });

  test("create, drift, update (grants before revokes), re-run, delete", async () => {
    const fake = new FakeTrino();
    const p = new TrinoRoleGrantsProvider(async () => fake);
    const news = (await p.check({}, inputs)).inputs!;
    const c = await p.create(news);
    expect(c.outs).toEqual({ ...news, rolePresent: true });
    expect(fake.log.filter((s) => !s.startsWith("S"))).toEqual([
      'CREATE ROLE "ap ""analysts""" IN "hive"',
      'GRANT SELECT ON TABLE "hive"."sales"."orders" TO ROLE "ap ""analysts"""',
      'GRANT "ap ""analysts""" TO USER "alice", USER "bob" IN "hive"',
    ]);
    // Re-running create (an interrupted earlier run) applies nothing twice.
    fake.log = [];
    await p.create(news);
    expect(fake.log.filter((s) => !s.startsWith("S"))).toEqual([]);

    // Drift: a member revoked by hand.
    fake.members.get('ap "analysts"')!.delete("bob");
    const r = await p.read(c.id, c.outs);
    expect(r.props).toEqual({ ...news, members: ["alice"], rolePresent: true });
    expect((await p.diff(c.id, r.props!, news)).changes).toBe(true);

    const next = (
      await p.check(
        {},
        {
          ...inputs,
          members: ["carol"],
          grants: [{ catalog: "hive", schema: "sales", table: "orders", privileges: ["INSERT", "SELECT"] }],
        },
      )
    ).inputs!;
    fake.log = [];
    await p.update(c.id, r.props!, next);
    expect(fake.log.filter((s) => !s.startsWith("S"))).toEqual([
      'GRANT INSERT ON TABLE "hive"."sales"."orders" TO ROLE "ap ""analysts"""',
      'GRANT "ap ""analysts""" TO USER "carol" IN "hive"',
      'REVOKE "ap ""analysts""" FROM USER "alice" IN "hive"',
    ]);
    expect((await p.read(c.id, next)).props).toEqual({ ...next, rolePresent: true });

    fake.log = [];
    await p.delete(c.id, next);
    expect(fake.log.filter((s) => !s.startsWith("S"))).toEqual(['DROP ROLE "ap ""analysts""" IN "hive"']);
    expect((await p.read(c.id, next)).props).toEqual({ ...next, members: [], grants: [], rolePresent: false });
    await p.delete(c.id, next); // already gone: nothing to do
  });

  test("diff replaces only on role identity", async () => {
    const p = new TrinoRoleGrantsProvider(async () => new FakeTrino());
    const olds = { ...(await p.check({}, inputs)).inputs!, rolePresent: true, __provider: "a" };
    expect(await p.diff("id", olds, { ...olds, __provider: "b" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await p.diff("id", olds, { ...olds, role: "other" })).toEqual({ changes: true, replaces: ["role"], deleteBeforeReplace: false });
    expect(await p.diff("id", olds, { ...olds, members: ["zed"] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("permission denied is reported with the role and a fix", async () => {
    const fake = new FakeTrino();
    fake.failOn = /^GRANT SELECT/;
    const p = new TrinoRoleGrantsProvider(async () => fake);
    const err = await p.create((await p.check({}, inputs)).inputs!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toBe(
      'trino: could not create role `ap "analysts"`: permission denied (PERMISSION_DENIED): Access Denied: Cannot grant; ' +
        "help: the login accessplane uses on trino lacks a privilege; it must own the managed schema (or be able to create it) " +
        "and be able to read the source tables and grant on the managed objects",
    );
  });

  test("no connection configured: says which settings to set", async () => {
    delete process.env.ACCESSPLANE_TRINO_URL;
    try {
      const p = new TrinoRoleGrantsProvider(async () => new FakeTrino());
      await expect(p.create((await p.check({}, inputs)).inputs!)).rejects.toThrow(
        "trino: no connection configured; help: set pulumi config `accessplane:trinoUrl` and `accessplane:trinoUser`",
      );
    } finally {
      process.env.ACCESSPLANE_TRINO_URL = "http://127.0.0.1:8080";
    }
  });
});

describe("TrinoAccessRules (file mode)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "accessplane-rules-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const document = trinoRulesDocument({
    policies: [
      { policyKey: "p", users: ["alice"], groups: [], grants: [{ catalog: "hive", schema: "s", table: "t", privileges: ["SELECT"] }] },
    ],
  }).document;

  test("writes atomically, reads back drift, refuses to delete a file changed by hand", async () => {
    const p = new TrinoAccessRulesProvider();
    const path = join(dir, "rules.json");
    const inputs = (await p.check({}, { path, document })).inputs!;
    const c = await p.create(inputs);
    expect(readFileSync(path, "utf8")).toBe(renderTrinoRules(document));
    expect(c.outs).toMatchObject({ path, document, filePresent: true });
    expect((await p.read(c.id, c.outs)).props).toEqual(c.outs);

    const edited = { ...document, tables: [{ privileges: ["SELECT" as const] }] };
    writeFileSync(path, JSON.stringify(edited));
    const r = await p.read(c.id, c.outs);
    expect(r.props).toMatchObject({ document: edited, filePresent: true });
    expect((await p.diff(c.id, r.props!, inputs)).changes).toBe(true);
    await expect(p.delete(c.id, c.outs)).rejects.toThrow(/will not delete .*: it changed outside Pulumi/);

    const u = await p.update(c.id, r.props!, inputs);
    expect(readFileSync(path, "utf8")).toBe(renderTrinoRules(document));
    await p.delete(c.id, u.outs!);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
    expect((await p.read(c.id, u.outs!)).props).toMatchObject({ filePresent: false });
  });

  test("check refuses a document outside the documented format and a relative path", async () => {
    const p = new TrinoAccessRulesProvider();
    expect((await p.check({}, { path: "rules.json", document: { tables: [{ privileges: ["DROP"] }] } })).failures).toEqual([
      { property: "path", reason: "must be an absolute path on the coordinator" },
      { property: "document.tables.0.privileges.0", reason: expect.stringContaining("Invalid option") },
    ]);
  });

  test("a missing directory is a clear error", async () => {
    const p = new TrinoAccessRulesProvider();
    await expect(p.create({ path: join(dir, "nope", "rules.json"), document })).rejects.toThrow(
      /^trino: could not write `.*rules\.json`: ENOENT: .*; help: the directory does not exist/,
    );
  });
});
