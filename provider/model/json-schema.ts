/**
 * JSON Schemas for editors (yaml-language-server), generated from the zod schemas, which stay the
 * only definition of every shape. `npm run schema` writes them to schema/; a test checks that the
 * committed files are current.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import {
  Approval,
  Condition,
  DataSource,
  DataSourceSelection,
  Instant,
  INSTANT_PATTERN,
  InventoryFile,
  PolicyInput,
  ProjectFile,
  Subscribers,
  User,
} from "./schema";

/** The schema files, by name under schema/. */
export const SCHEMA_FILES = {
  policy: "policy.schema.json",
  inventory: "inventory.schema.json",
  config: "config.schema.json",
} as const;

/** A policy file holds one policy, or several under `policies`. */
const PolicyFileInput = z.union([PolicyInput, z.strictObject({ $schema: z.string().optional(), policies: z.array(PolicyInput) })]);

/**
 * Hover text and the few rules zod checks in code rather than in the shape (exactly one
 * restriction level), so editors flag them too.
 */
function registry() {
  const reg = z.registry<Record<string, unknown>>();
  reg.add(PolicyInput, {
    id: "Policy",
    title: "subscription policy",
    description:
      "Who may read or write which data sources. Grant policies combine with OR; guardrails narrow them with AND. Write access is not captured by audit.",
  });
  reg.add(Subscribers, {
    description: "The restriction level: exactly one of `anyone`, `approval`, `when` (groups and attributes) or `users`.",
    minProperties: 1,
    maxProperties: 1,
  });
  reg.add(Condition, {
    id: "Condition",
    description: "A condition on a user's groups and attributes: `group`, `attribute` + `values`, or nested `anyOf` / `allOf`.",
  });
  reg.add(Instant, {
    description: "An instant with a time zone, e.g. `2027-04-01T00:00:00Z`; a date alone is refused.",
    pattern: INSTANT_PATTERN.source,
  });
  reg.add(Approval, { description: "A recorded approval; it grants nothing unless `approvedBy` is an approver, and ends at `expiresAt`." });
  reg.add(DataSourceSelection, {
    description: "Data sources by `names` and/or `tags` (either matches), optionally narrowed by `platforms`.",
  });
  reg.add(User, { description: "A person, with groups, attributes and the identity each platform knows them by." });
  reg.add(DataSource, {
    id: "DataSource",
    description: "One object on one platform; `objectType` is the platform's information_schema table type.",
  });
  return reg;
}

function generate(schema: z.ZodType, title: string, description: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", metadata: registry() }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, title, description, ...rest };
}

/** The three JSON Schemas, as objects. */
export function jsonSchemas(): Record<keyof typeof SCHEMA_FILES, Record<string, unknown>> {
  return {
    policy: generate(PolicyFileInput, "accessplane policy file", "One subscription policy, or several under `policies`."),
    inventory: generate(
      InventoryFile,
      "accessplane inventory file",
      "Users, groups, data sources and shared IAM roles; the files of a directory merge.",
    ),
    // The project file is a superset of the configuration file, so one schema serves both.
    config: generate(
      ProjectFile,
      "accessplane project file and configuration",
      "accessplane.yaml: where the estate's `policies` and `inventory` are (relative to this file), and its platform configuration: naming, Trino, S3 principal modes, missing identities, view-based platforms.",
    ),
  };
}

/** The schema files' text, exactly as committed. */
export function jsonSchemaFiles(): Record<string, string> {
  const s = jsonSchemas();
  return Object.fromEntries(
    (Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]).map((k) => [SCHEMA_FILES[k], JSON.stringify(s[k], null, 2) + "\n"]),
  );
}

if (require.main === module) {
  const dir = path.resolve(__dirname, "..", "..", "schema");
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(jsonSchemaFiles())) {
    fs.writeFileSync(path.join(dir, name), text);
    process.stdout.write(`wrote schema/${name}\n`);
  }
}
