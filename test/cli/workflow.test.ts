/** The example GitHub Actions workflow parses, has the review and deploy jobs, and uses only real CLI flags. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { program } from "../../provider/cli/main";
import { WORKFLOW } from "../../provider/cli/templates";
import { plain } from "../../provider/plan/render/table";
import { ROOT } from "./support";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, { if: string; steps: Step[]; permissions?: Record<string, string> }>;
}

const FILE = path.join(ROOT, "examples", "github-actions", "access-review.yml");
const wf = parse(fs.readFileSync(FILE, "utf8"), { uniqueKeys: true }) as Workflow;
const runs = (steps: Step[]) => steps.map((s) => s.run ?? "").join("\n");

describe("examples/github-actions/access-review.yml", () => {
  test("runs on pull requests (including label changes), pushes to main and a schedule", () => {
    expect(wf.on.pull_request).toEqual({ types: ["opened", "synchronize", "reopened", "labeled", "unlabeled"] });
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
    expect(wf.on.pull_request_review).toEqual({ types: ["submitted", "dismissed"] });
    expect(Object.keys(wf.jobs).sort()).toEqual(["approvals", "deploy", "review"]);
    expect(wf.env.ACK_LABEL).toBe("access-widening-approved");
  });

  test("is the workflow `accessplane init` writes, and names no estate paths: every step reads accessplane.yaml", () => {
    expect(fs.readFileSync(FILE, "utf8")).toBe(WORKFLOW);
    expect(wf.env.ESTATE).toBeUndefined();
    expect(WORKFLOW).not.toMatch(/--policies|--inventory|--config|examples\//);
  });

  test("pull requests and reviews: CODEOWNERS is current and every added approval is backed by a review", () => {
    const job = wf.jobs.approvals!;
    expect(job.if).toBe("github.event_name == 'pull_request' || github.event_name == 'pull_request_review'");
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "read" });
    const script = runs(job.steps);
    expect(script).toMatch(/^npx accessplane codeowners --check$/m);
    expect(script).toMatch(/^npx accessplane verify-approvals --base "origin\/\$BASE_REF"$/m);
    expect(job.steps.find((s) => s.run?.includes("verify-approvals"))!.env).toEqual({
      GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}",
      BASE_REF: "${{ github.event.pull_request.base.ref }}",
    });
  });

  test("pull requests: npm ci, validate, markdown diff posted as a sticky comment, pulumi preview", () => {
    const job = wf.jobs.review!;
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with).toEqual({ "fetch-depth": 0 });
    const script = runs(job.steps);
    expect(script).toMatch(/^npm ci$/m);
    expect(script).toMatch(/^npx accessplane validate$/m);
    expect(script).toMatch(/^npx accessplane diff --base "origin\/\$BASE_REF" --format markdown --fail-on-widen \$ACK > diff\.md$/m);
    const diff = job.steps.find((s) => s.id === "diff")!;
    expect(diff.env).toEqual({
      BASE_REF: "${{ github.base_ref }}",
      ACK: "${{ contains(github.event.pull_request.labels.*.name, env.ACK_LABEL) && '--ack' || '' }}",
    });
    const comment = job.steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(comment.with).toEqual({ header: "accessplane-access-diff", path: "diff.md" });
    expect(comment.if).toMatch(/^always\(\)/);
    const preview = job.steps.find((s) => s.uses === "pulumi/actions@v6")!;
    expect(preview.with).toMatchObject({ command: "preview", "comment-on-pr": true });
    expect(preview.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    // The widening gate runs after the comment and the preview, so reviewers always see both.
    const names = job.steps.map((s) => s.uses ?? s.name);
    expect(names.indexOf("Require acknowledgement of widened access")).toBeGreaterThan(names.indexOf("pulumi/actions@v6"));
    expect(job.steps.find((s) => s.name === "Require acknowledgement of widened access")!.if).toBe("steps.diff.outputs.code == '3'");
  });

  test("main and schedule: validate, then pulumi up", () => {
    const job = wf.jobs.deploy!;
    expect(job.if).toBe("github.event_name == 'push' || github.event_name == 'schedule'");
    const script = runs(job.steps);
    expect(script).toMatch(/^npm ci$/m);
    expect(script).toMatch(/^npx accessplane validate$/m);
    const up = job.steps.find((s) => s.uses === "pulumi/actions@v6")!;
    expect(up.with).toEqual({ command: "up", "stack-name": "${{ env.PULUMI_STACK }}" });
  });

  test("every accessplane command line uses commands and flags the CLI has", () => {
    const prog = program({ out: () => {}, err: () => {}, style: plain }, () => {});
    const lines = Object.values(wf.jobs)
      .flatMap((j) => runs(j.steps).split("\n"))
      .filter((l) => l.includes("npx accessplane"));
    expect(lines.length).toBe(6);
    for (const line of lines) {
      const words = line.replace(/\$ACK/g, "--ack").split(/\s+/);
      const command = words[words.indexOf("accessplane") + 1]!;
      const cmd = prog.commands.find((c) => c.name() === command);
      expect([line, cmd !== undefined]).toEqual([line, true]);
      const known = new Set(cmd!.options.map((o) => o.long));
      for (const flag of words.filter((w) => w.startsWith("--"))) expect([line, flag, known.has(flag)]).toEqual([line, flag, true]);
    }
  });
});
