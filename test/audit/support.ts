/** What the reader tests share: a one-policy estate and its plan, and one line per audit finding. */
import type { AuditEntry } from "../../provider/audit/compare";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import { mustLoad } from "../support/estate";

/** The instant the reader tests plan and read at. */
export const NOW = "2026-11-23T00:00:00Z";

/** An estate whose one policy gives the group `analysts` read on data sources tagged `tag`, and its plan. */
export function analystsEstate(inventory: string, tag = "sales") {
  const estate = mustLoad({
    policies: {
      "p.yaml": `policies:\n  - { name: analysts-read, access: read, subscribers: { when: { group: analysts } }, dataSources: { tags: { anyOf: [${tag}] } } }\n`,
    },
    inventory: { "i.yaml": inventory },
  });
  return { estate, plan: planFromResolution(estate, resolve(estate, NOW)) };
}

/** One finding on one line: section, principal, kind, privileges, object and the people reached. */
export const line = (e: AuditEntry) =>
  `${e.section} ${e.principal.kind}:${e.principal.name} ${e.kind} ${e.privileges.join(",")} ${e.object ?? "-"} users=${e.users.join(",")} unknown=${e.unknown.join(",")}`;
