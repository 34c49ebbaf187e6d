/**
 * `accessplane stacks` registers an estate a chunk at a time (platform shard slices) so that memory
 * holds one chunk's registration: the keyed resources must be those of one registration per platform,
 * whatever the chunk size.
 */
import { generateEstate, NOW } from "../../bench/generate";
import { keyed } from "../../provider/cli/commands/stacks";
import { buildPlan } from "../../provider/plan/build";

jest.setTimeout(300_000);

test("chunks of any size register exactly the resources of one slice per platform", async () => {
  const estate = generateEstate({ users: 40, dataSources: 120, policies: 6 }, 3);
  const plan = buildPlan(estate, NOW);
  const now = new Date(NOW);
  const sorted = (rs: Awaited<ReturnType<typeof keyed>>) => rs.map((r) => `${r.platform} ${r.key} ${r.type} ${r.name} ${r.digest}`).sort();
  const whole = sorted(await keyed(estate, plan, now, Number.MAX_SAFE_INTEGER));
  // Enough resources for several chunks of 20 on more than one platform.
  expect(whole.length).toBeGreaterThan(60);
  // Chunks of 20 resources split every platform into several shard slices.
  const chunked = sorted(await keyed(estate, plan, now, 20));
  expect(chunked).toEqual(whole);
});
