/**
 * Cross-reference rules, by example: did-you-mean by edit distance, conditions that can never match,
 * policies that admit nobody, and issues that only follow from an inventory item left out.
 */
import { load, SMALL_INVENTORY } from "../support/estate";

const policy = (body: string) => ({ policies: { "p.yaml": body }, inventory: { "inv.yaml": SMALL_INVENTORY } });
const brief = (issues: { severity: string; code: string; path?: string; help?: string }[]) =>
  issues.map((i) => `${i.severity} ${i.code} ${i.path ?? ""} | ${i.help ?? ""}`);

describe("did you mean", () => {
  test("a tag one edit from a known tag is suggested, not only a prefix or a case difference", () => {
    const r = load(policy("name: p\naccess: read\nsubscribers: { anyone: true }\ndataSources: { tags: { anyOf: [pij, FIN] } }\n"));
    expect(brief(r.issues)).toEqual([
      "error unknown-tag dataSources.tags.anyOf[0] | did you mean `pii`? otherwise tag a data source with it in the inventory, or fix the tag",
      "error unknown-tag dataSources.tags.anyOf[1] | did you mean `fin`? otherwise tag a data source with it in the inventory, or fix the tag",
      "warning selection-empty dataSources | check the names, tags and platforms under `dataSources`",
    ]);
  });

  test("a user absent from the inventory is a warning, never an error: one edit from a colleague it says whom, and grants nothing", () => {
    const r = load(policy("name: p\naccess: read\nsubscribers: { users: [dna, ann, ghost] }\ndataSources: { names: [t1] }\n"));
    expect(brief(r.issues)).toEqual([
      "warning user-not-in-inventory subscribers.users[0] | did you mean `dan`? if so, fix the id; remove the reference if the user has left; otherwise add the user to the inventory",
      "warning user-not-in-inventory subscribers.users[2] | remove the reference if the user has left; otherwise add the user to the inventory",
    ]);
  });
});

describe("conditions and audiences that can never match", () => {
  test("attribute keys and values that no user carries are warnings; values some user has are not", () => {
    const r = load(
      policy(
        "name: p\naccess: read\nsubscribers: { when: { allOf: [ { attribute: Dept, values: [finance] }, { attribute: dept, values: [risk, Eng, hr] } ] } }\ndataSources: { names: [t1] }\n",
      ),
    );
    expect(brief(r.issues)).toEqual([
      "warning policy-admits-nobody subscribers | no user in the inventory satisfies `subscribers.when`; check its groups, attributes and values",
      "warning unknown-attribute subscribers.when.allOf[0].attribute | did you mean `dept`? (it differs only in case) otherwise check the attribute name against the users' `attributes` in the inventory",
      "warning unknown-attribute-value subscribers.when.allOf[1].values[1] | did you mean `eng`? (it differs only in case) otherwise check the value against the users' `attributes.dept` in the inventory",
      "warning unknown-attribute-value subscribers.when.allOf[1].values[2] | check the value against the users' `attributes.dept` in the inventory",
    ]);
    expect(r.estate).toBeDefined();
  });

  test.each([
    ["an empty user list", "{ users: [] }", "`subscribers.users` lists nobody"],
    [
      "approvals none of which counts",
      "{ approval: { approvers: { groups: [stewards] }, approvals: [ { user: ghost, approvedBy: dan, approvedAt: 2026-01-01T00:00:00Z } ] } }",
      "none of its approvals is by an approver for a user in the inventory",
    ],
  ])("a grant policy with %s admits nobody", (_, subscribers, help) => {
    const r = load(policy(`name: p\naccess: read\nsubscribers: ${subscribers}\ndataSources: { names: [t1] }\n`));
    expect(r.issues.filter((i) => i.code === "policy-admits-nobody").map((i) => i.help)).toEqual([help]);
  });

  test("an approval policy still waiting for requests, and a guardrail, are not reported", () => {
    for (const body of [
      "name: p\naccess: read\nsubscribers: { approval: { approvers: { groups: [stewards] } } }\ndataSources: { names: [t1] }\n",
      "name: p\nkind: guardrail\naccess: read\nsubscribers: { users: [] }\ndataSources: { names: [t1] }\n",
    ])
      expect(load(policy(body)).issues).toEqual([]);
  });

  test("an unknown group already explains why a policy admits nobody: no second issue", () => {
    const r = load(policy("name: p\naccess: read\nsubscribers: { when: { group: analyst } }\ndataSources: { names: [t1] }\n"));
    expect(r.issues.map((i) => i.code)).toEqual(["unknown-group"]);
  });
});

describe("items left out for their own errors", () => {
  test("a bad configuration section is reported alone: the other sections keep their values", () => {
    const s3 = 'policies: policies\ns3:\n  accountId: "406321587214"\n  identityStoreId: d-9067a1b2c3\n';
    const inventory = {
      "inv.yaml": "dataSources:\n  - { id: b, platform: s3, objectType: PREFIX, location: { bucket: acme-landing, prefix: p/ } }\n",
    };
    expect(brief(load({ config: s3, inventory }).issues).filter((i) => i.startsWith("error"))).toEqual([]);
    const bad = load({ config: s3 + "stacks:\n  layout:\n    snowflake: { principals: x }\n", inventory });
    expect(brief(bad.issues).filter((i) => i.startsWith("error"))).toEqual([
      "error missing-field stacks.layout.snowflake.members | add `members` (a number)",
      "error invalid-type stacks.layout.snowflake.principals | write a number here",
    ]);
  });

  test("references that only the left-out items satisfy are not reported again", () => {
    const r = load({
      inventory: {
        "inv.yaml": SMALL_INVENTORY,
        "more.yaml": [
          "users:",
          "  - { id: zara, groups: [auditors], attributes: { region: emea }, identities: { snowflake: ZARA } }",
          "groups:",
          "  - { id: auditors, description: [not, text] }",
          "dataSources:",
          "  - { id: t9, platform: snowflake, objectType: TABLE, location: { database: D, schema: S, table: T9 }, tags: [audit] }",
          "",
        ].join("\n"),
      },
      policies: {
        "p.yaml": [
          "policies:",
          "  - { name: a, access: read, subscribers: { users: [zara] }, dataSources: { names: [t9] } }",
          "  - { name: b, access: read, subscribers: { when: { group: auditors } }, dataSources: { tags: { anyOf: [audit] } } }",
          "  - { name: c, access: read, subscribers: { when: { attribute: region, values: [emea] } }, dataSources: { names: [t1] } }",
          "",
        ].join("\n"),
      },
    });
    expect(brief(r.issues)).toEqual([
      "error invalid-type users[0].attributes.region | write a list: `region: [emea]`",
      "error invalid-type groups[0].description | write text here",
      "error invalid-value dataSources[0].objectType | use one of `BASE TABLE`, `VIEW`, `MATERIALIZED VIEW`, `EXTERNAL TABLE`, `EVENT TABLE`, `ICEBERG TABLE`, `DYNAMIC TABLE`",
    ]);
    expect(r.estate).toBeUndefined();
  });
});
