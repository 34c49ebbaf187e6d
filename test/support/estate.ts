/**
 * Builds estates from inline YAML for tests, through the real loader, and the one fixture estate
 * that diff, explain, CLI and resolve tests share.
 */
import * as path from "node:path";
import { parseEstate } from "../../provider/model/load";
import { loadEstate } from "../../provider/model/read";
import type { Estate } from "../../provider/model/estate";
import type { Issue } from "../../provider/model/issues";

/** Inline sources: file name -> YAML text. */
export interface InlineEstate {
  policies?: Record<string, string>;
  inventory?: Record<string, string>;
  config?: string;
}

/** Parses inline sources; returns the estate (if valid) and every issue. */
export function load(src: InlineEstate): { estate: Estate | undefined; issues: Issue[] } {
  return parseEstate({
    policies: Object.entries(src.policies ?? {}).map(([path, content]) => ({ path, content })),
    inventory: Object.entries(src.inventory ?? {}).map(([path, content]) => ({ path, content })),
    ...(src.config !== undefined ? { config: { path: "accessplane.yaml", content: src.config } } : {}),
  });
}

/** Parses inline sources and fails the test with every issue if there are errors. */
export function mustLoad(src: InlineEstate): Estate {
  const r = load(src);
  if (!r.estate) throw new Error("estate has errors:\n" + JSON.stringify(r.issues, null, 2));
  return r.estate;
}

/** The instant most diff tests evaluate at. */
export const NOW = "2026-11-23T00:00:00Z";

/** The shared IAM role three people can assume. */
export const SHARED_ROLE = "arn:aws:iam::111111111111:role/analytics-shared";

/**
 * The fixture estate's users, groups and data sources: Snowflake tables plus one S3 bucket behind a
 * shared IAM role. `benGroups` sets ben's groups, `t3Tags` the tags of `t3`; `snowflakeOnly` leaves
 * out `t3`, the bucket, the shared role and ann's IAM role, with every other line where it was.
 */
export function inventory(o: { benGroups?: string[]; t3Tags?: string[]; snowflakeOnly?: boolean } = {}): string {
  const all = !o.snowflakeOnly;
  return `
users:
  - { id: ann, groups: [analysts], attributes: { dept: [finance] }, identities: { snowflake: ANN${all ? `, iamRole: "${SHARED_ROLE}"` : ""} } }
  - { id: ben, groups: [${(o.benGroups ?? ["engineers"]).join(", ")}], attributes: { dept: [eng] }, identities: { snowflake: BEN } }
  - { id: cat, groups: [analysts, cleared], attributes: { dept: [finance, risk] }, identities: { snowflake: CAT } }
  - { id: dan, groups: [stewards], identities: { snowflake: DAN } }
groups:
  - { id: analysts }
  - { id: engineers }
  - { id: cleared }
  - { id: stewards }
dataSources:
  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 }, tags: [fin] }
  - { id: t2, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T2 }, tags: [fin, pii] }
${all ? `  - { id: t3, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: OPS, table: T3 }, tags: [${(o.t3Tags ?? ["ops"]).join(", ")}] }\n` : ""}\
  - { id: v1, platform: snowflake, objectType: VIEW, location: { database: DB, schema: S, table: V1 }, tags: [fin] }
${
  all
    ? `  - id: s3.analytics
    platform: s3
    objectType: PREFIX
    location: { bucket: acme-analytics, prefix: exports/ }
    principalMode: shared-iam-role
    tags: [exports]
sharedRoles:
  - { arn: "${SHARED_ROLE}", members: [ann, ben, dan] }
`
    : ""
}`;
}

/** The fixture inventory on Snowflake alone: four users, three tables and views. */
export const SMALL_INVENTORY = inventory({ snowflakeOnly: true });

/** A read policy for analysts on `fin` data; `access` and `state` vary per test. */
export function finPolicy(o: { access?: "read" | "write"; state?: "active" | "staged" } = {}): string {
  return `
name: fin-analysts
description: Analysts read finance tables.
access: ${o.access ?? "read"}
state: ${o.state ?? "active"}
subscribers:
  when:
    anyOf:
      - group: analysts
      - allOf:
          - group: engineers
          - attribute: dept
            values: [finance]
dataSources:
  tags: { anyOf: [fin] }
`;
}

/** Approval-based access to t3, with ben's approval ending on 2026-12-01. */
export const OPS_BY_REQUEST = `
name: ops-by-request
access: read
subscribers:
  approval:
    approvers: { groups: [stewards] }
    approvals:
      - { user: ben, approvedBy: dan, approvedAt: 2026-10-01T00:00:00Z, expiresAt: 2026-12-01T00:00:00Z }
      - { user: cat, approvedBy: dan, approvedAt: 2026-10-01T00:00:00Z }
dataSources:
  names: [t3]
`;

/** Guardrail: personal data only for cleared people. */
export const PII_GUARDRAIL = `
name: pii-cleared
kind: guardrail
access: read
subscribers:
  when: { group: cleared }
dataSources:
  tags: { anyOf: [pii] }
`;

/** Ann's exports through the shared role, acknowledged: ben and dan can assume the role too. */
export const SHARED_ROLE_POLICY = `
name: exports-read
access: read
subscribers:
  users: [ann]
dataSources:
  names: [s3.analytics]
acknowledgeSharedRole: true
`;

/** The platform configuration: the S3 Access Grants instance's account (grants go to the default location `s3://`). */
export const CONFIG = 's3:\n  accountId: "406321587214"\n';

/** The base estate most diff tests start from. */
export function baseEstate(over: { inventory?: string; policies?: Record<string, string> } = {}): InlineEstate {
  return {
    config: CONFIG,
    policies: {
      "policies/fin-analysts.yaml": finPolicy(),
      "policies/ops-by-request.yaml": OPS_BY_REQUEST,
      "policies/pii-cleared.yaml": PII_GUARDRAIL,
      ...over.policies,
    },
    inventory: { "inventory/estate.yaml": over.inventory ?? inventory() },
  };
}

const ROOT = path.join(__dirname, "..", "..");

/** The bundled example estate. */
export function exampleEstate(): Estate {
  const res = loadEstate({
    policies: path.join(ROOT, "policies"),
    inventory: path.join(ROOT, "examples/estate/inventory"),
    config: path.join(ROOT, "examples/estate/accessplane.yaml"),
  });
  if (!res.estate) throw new Error(JSON.stringify(res.issues));
  return res.estate;
}
