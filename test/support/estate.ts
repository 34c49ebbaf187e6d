/** Builds estates from inline YAML for tests, through the real loader. */
import { parseEstate } from "../../provider/model/load";
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

/** A small inventory on Snowflake used across tests. */
export const SMALL_INVENTORY = `
users:
  - { id: ann, groups: [analysts], attributes: { dept: [finance] }, identities: { snowflake: ANN } }
  - { id: ben, groups: [engineers], attributes: { dept: [eng] }, identities: { snowflake: BEN } }
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
  - { id: v1, platform: snowflake, objectType: VIEW, location: { database: DB, schema: S, table: V1 }, tags: [fin] }
`;
