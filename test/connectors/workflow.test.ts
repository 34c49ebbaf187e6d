/** The scheduled inventory pull workflow: what `accessplane init` writes and the example hold. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { INVENTORY_WORKFLOW } from "../../provider/cli/templates";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

const FILE = path.join(__dirname, "..", "..", "examples", "github-actions", "inventory-pull.yml");

describe("examples/github-actions/inventory-pull.yml", () => {
  const wf = parse(fs.readFileSync(FILE, "utf8"), { uniqueKeys: true }) as {
    on: Record<string, unknown>;
    jobs: Record<string, { steps: Step[]; permissions: Record<string, string> }>;
  };

  test("is the workflow `accessplane init` writes", () => {
    expect(fs.readFileSync(FILE, "utf8")).toBe(INVENTORY_WORKFLOW);
  });

  test("runs on a schedule, pulls, and opens or updates one pull request with the markdown diff as its body when anything changed", () => {
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
    const job = wf.jobs.pull!;
    expect(job.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    const runs = job.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("npx accessplane inventory pull");
    expect(runs).toMatch(/npx accessplane diff --base "origin\/\$\{\{ github.event.repository.default_branch \}\}" --format markdown/);
    const pr = job.steps.find((s) => s.uses?.startsWith("peter-evans/create-pull-request@"))!;
    expect(pr.if).toBe("steps.diff.outputs.changed == 'true'");
    expect(pr.with).toMatchObject({ branch: "accessplane/inventory-pull", "body-path": "diff.md" });
  });
});
