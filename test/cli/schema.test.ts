/** The committed JSON Schemas are current, and every example YAML validates against the one it references. */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parseAllDocuments } from "yaml";
import { jsonSchemaFiles, SCHEMA_FILES } from "../../provider/model/json-schema";

const ROOT = path.resolve(__dirname, "..", "..");
const SCHEMA_DIR = path.join(ROOT, "schema");

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []))
    .sort();
}

/** Every example estate file: policies, inventories and configurations (not Pulumi projects or CI workflows). */
const EXAMPLES = [...yamlFiles(path.join(ROOT, "policies")), ...yamlFiles(path.join(ROOT, "examples"))].filter(
  (f) => path.basename(f) !== "Pulumi.yaml" && !f.includes(`${path.sep}github-actions${path.sep}`),
);

function validator() {
  // `format: email` is a hint for editors; zod checks the address when loading.
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
  for (const file of Object.values(SCHEMA_FILES)) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8")), file);
  return ajv;
}

describe("JSON Schemas", () => {
  test("the committed files equal freshly generated ones (run `npm run schema` after changing provider/model/schema.ts)", () => {
    const fresh = jsonSchemaFiles();
    expect(Object.keys(fresh).sort()).toEqual(["config.schema.json", "inventory.schema.json", "policy.schema.json"]);
    for (const [name, text] of Object.entries(fresh)) expect(fs.readFileSync(path.join(SCHEMA_DIR, name), "utf8")).toBe(text);
  });

  test("every example YAML references a schema in its first line, and validates against it", () => {
    const ajv = validator();
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(10);
    for (const file of EXAMPLES) {
      const text = fs.readFileSync(file, "utf8");
      const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
      expect([path.relative(ROOT, file), m !== null]).toEqual([path.relative(ROOT, file), true]);
      const schemaPath = path.resolve(path.dirname(file), m![1]!);
      expect(path.dirname(schemaPath)).toBe(SCHEMA_DIR);
      const validate = ajv.getSchema(path.basename(schemaPath))!;
      for (const doc of parseAllDocuments(text) as { toJS(): unknown }[]) {
        const ok = validate(doc.toJS());
        expect([path.relative(ROOT, file), validate.errors ?? []]).toEqual([path.relative(ROOT, file), []]);
        expect(ok).toBe(true);
      }
    }
  });

  test("the schemas reject what the loader rejects: unknown keys, two restriction levels, a bad platform", () => {
    const ajv = validator();
    const policy = ajv.getSchema("policy.schema.json")!;
    const base = { name: "p", access: "read", dataSources: { names: ["t"] } };
    expect(policy({ ...base, subscribers: { anyone: true } })).toBe(true);
    expect(policy({ ...base, subscribers: { when: { anyOf: [{ group: "a" }, { allOf: [{ attribute: "d", values: ["x"] }] }] } } })).toBe(
      true,
    );
    expect(policy({ ...base, subscribers: { anyone: true, users: ["a"] } })).toBe(false);
    expect(policy({ ...base, subscribers: {} })).toBe(false);
    expect(policy({ ...base, subscribers: { anyone: true }, acess: "read" })).toBe(false);
    expect(policy({ policies: [{ ...base, subscribers: { users: ["a", { user: "b", expiresAt: "2026-01-31T00:00:00Z" }] } }] })).toBe(true);
    // A date alone, or a time without a time zone, is no instant: refused as the loader refuses it.
    expect(policy({ policies: [{ ...base, subscribers: { users: [{ user: "b", expiresAt: "2026-01-31" }] } }] })).toBe(false);
    expect(policy({ policies: [{ ...base, subscribers: { users: [{ user: "b", expiresAt: "2026-01-31T00:00:00" }] } }] })).toBe(false);
    const inventory = ajv.getSchema("inventory.schema.json")!;
    expect(
      inventory({
        dataSources: [{ id: "x", platform: "snowflake", objectType: "VIEW", location: { database: "D", schema: "S", table: "T" } }],
      }),
    ).toBe(true);
    expect(inventory({ dataSources: [{ id: "x", platform: "oracle", objectType: "VIEW", location: {} }] })).toBe(false);
    expect(inventory({ dataSources: [{ id: "x", platform: "s3", objectType: "VIEW", location: { bucket: "b" } }] })).toBe(false);
    const config = ajv.getSchema("config.schema.json")!;
    expect(config({ s3: { principalMode: "shared-iam-role" } })).toBe(true);
    expect(config({ s3: { principalMode: "everyone" } })).toBe(false);
  });
});
