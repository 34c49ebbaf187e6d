/**
 * A `members` stack registers memberships of groups that a principals stack creates, looking up
 * each group's id by name. In a preview the group may not exist yet (the change creates it): the
 * memberships are then left out with a warning. In an update the principals stacks have applied
 * first, so a missing group fails the stack, and nothing is registered (so nothing is deleted).
 */
import * as pulumi from "@pulumi/pulumi";
import { exampleEstate } from "../support/estate";
import type { Slice } from "../../provider/pulumi/slice";

const NOW = new Date("2026-11-23T00:00:00Z");
const example = exampleEstate;

const MEMBERSHIPS = ["databricks:index/groupMember:GroupMember", "aws:identitystore/groupMembership:GroupMembership"];

/** Runs a members slice under mocks where group lookups fail for the names `missing` matches, and answer the others. */
async function run(preview: boolean, slice: Slice, missing: RegExp) {
  const registered: { type: string; inputs: Record<string, unknown> }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(a) {
        registered.push({ type: a.type, inputs: a.inputs as Record<string, unknown> });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call(a) {
        if (a.token === "databricks:index/getUser:getUser") return { id: `user:${String(a.inputs.userName)}` };
        const alt = a.inputs.alternateIdentifier as { uniqueAttribute?: { attributeValue?: string } } | undefined;
        const name = String(a.inputs.displayName ?? alt?.uniqueAttribute?.attributeValue);
        if (a.token.endsWith("/getGroup:getGroup")) {
          if (missing.test(name)) throw new Error(`group ${name} not found`);
          return { id: `group:${name}`, groupId: `gid:${name}` };
        }
        return a.inputs;
      },
    },
    "accessplane",
    "members",
    preview,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AccessEstate } = require("../../provider/pulumi/estate") as typeof import("../../provider/pulumi/estate");
  const estate = new AccessEstate("estate", { ...example(), now: NOW, slice });
  return { estate, registered };
}

/** Waits until every registration of a run is done, so the next run's mocks see none of it. */
const settled = async () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();

afterEach(settled);

const databricksMembers: Slice = { platforms: ["databricks-unity-catalog", "databricks-spark"], part: "members" };
const s3Members: Slice = { platforms: ["s3"], part: "members" };

describe("a members stack", () => {
  test("registers the memberships of groups that exist, with the looked-up ids", async () => {
    const { estate, registered } = await run(false, databricksMembers, /^$/);
    await estate.registered;
    await settled();
    const members = registered.filter((r) => MEMBERSHIPS.includes(r.type));
    expect(members.length).toBeGreaterThan(0);
    expect(members.every((r) => /^group:ap-/.test(String(r.inputs.groupId)) && /^user:/.test(String(r.inputs.memberId)))).toBe(true);
    expect(new Set(members.map((r) => r.inputs.groupId))).toContain("group:ap-data-engineers-write");
    // The principals' own resources belong to the principals stacks.
    expect(registered.some((r) => r.type === "databricks:index/group:Group")).toBe(false);
  });

  test("in a preview, leaves out the memberships of a group that does not exist yet, with a warning", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
    try {
      const { estate, registered } = await run(true, databricksMembers, /^ap-data-engineers-write$/);
      await estate.registered;
      await settled();
      const groups = new Set(registered.filter((r) => MEMBERSHIPS.includes(r.type)).map((r) => r.inputs.groupId));
      expect(groups.size).toBeGreaterThan(0);
      expect(groups).not.toContain("group:ap-data-engineers-write");
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringMatching(/^the group `ap-data-engineers-write` does not exist yet: its members show in this stack's preview once/),
      );
    } finally {
      warn.mockRestore();
    }
  });

  test("in an update, fails on a group that does not exist, registering none of its memberships", async () => {
    for (const slice of [databricksMembers, s3Members]) {
      const { estate, registered } = await run(false, slice, /./);
      await expect(estate.registered).rejects.toThrow(
        /the group `ap-[a-z-]+` was not found; its principals stack creates it and must apply before this members stack; help: `pulumi up` the principals stacks first/,
      );
      await settled();
      expect(registered.filter((r) => MEMBERSHIPS.includes(r.type))).toEqual([]);
    }
  });
});
