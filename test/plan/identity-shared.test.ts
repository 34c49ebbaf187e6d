/**
 * Two people with one stored identity on a platform are one account there: the plan refuses it,
 * since a grant to either would reach both.
 */
import { buildPlan } from "../../provider/plan/build";
import { mustLoad } from "../support/estate";

const NOW = "2026-06-01T00:00:00Z";

const SOURCES = `dataSources:
  - { id: sf.t, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: T } }
  - { id: rs.t, platform: redshift, objectType: BASE TABLE, location: { database: dw, schema: s, table: t } }
  - { id: tr.t, platform: trino, objectType: BASE TABLE, location: { catalog: c, schema: s, table: t } }
`;

const POLICY = "name: p\naccess: read\nsubscribers: { users: [ann] }\ndataSources: { names: [sf.t, rs.t, tr.t] }\n";

function shared(users: string) {
  const estate = mustLoad({ policies: { "p.yaml": POLICY }, inventory: { "users.yaml": users, "ds.yaml": SOURCES } });
  return buildPlan(estate, NOW).issues.filter((i) => i.code === "identity-shared");
}

describe("identity-shared", () => {
  test("unquoted names that fold to one stored name are refused, at the second user's line", () => {
    const users = `users:
  - { id: ann, identities: { snowflake: ann, redshift: ann, trino: ann } }
  - { id: ann2, identities: { snowflake: ANN, redshift: Ann, trino: Ann } }
`;
    expect(shared(users)).toEqual([
      {
        severity: "error",
        code: "identity-shared",
        message:
          "users `ann`, `ann2` have the same Redshift identity `ann` (`redshift`, as Redshift stores it): access granted to one would reach the others",
        file: "users.yaml",
        line: 3,
        path: "users[1].identities.redshift",
        help: "give each user the `redshift` identity of their own account, or merge the users into one",
      },
      {
        severity: "error",
        code: "identity-shared",
        message:
          "users `ann`, `ann2` have the same Snowflake identity `ANN` (`snowflake`, as Snowflake stores it): access granted to one would reach the others",
        file: "users.yaml",
        line: 3,
        path: "users[1].identities.snowflake",
        help: "give each user the `snowflake` identity of their own account, or merge the users into one",
      },
    ]);
  });

  test("a quoted name keeps its case, so it is another account; Trino user names are exact", () => {
    const users = `users:
  - { id: ann, identities: { snowflake: '"ann"', redshift: ann, trino: ann } }
  - { id: ann2, identities: { snowflake: ANN, redshift: ann2, trino: Ann } }
`;
    expect(shared(users)).toEqual([]);
  });
});
