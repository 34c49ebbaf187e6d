/**
 * `accessplane codeowners`: the CODEOWNERS of the example estate (golden), and `--check` on a git
 * repository, which fails once a steward changes until the file is regenerated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expectGolden } from "../support/golden";
import { git, ROOT, runBinary, tempDir, writeFiles } from "../cli/support";

test("the example estate's CODEOWNERS", async () => {
  const dir = tempDir("accessplane-codeowners-");
  try {
    const out = path.join(dir, "CODEOWNERS");
    const r = await runBinary(ROOT, "codeowners", "--example", "--output", out);
    expect(r.code).toBe(0);
    expectGolden(path.join(__dirname, "example.CODEOWNERS"), fs.readFileSync(out, "utf8"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--check passes on a fresh file and fails after a steward changes", async () => {
  const repo = tempDir("accessplane-codeowners-git-");
  try {
    const example = path.join(ROOT, "examples", "estate");
    const files: Record<string, string> = {
      "accessplane.yaml": fs.readFileSync(path.join(example, "accessplane.yaml"), "utf8").replace(/^policies: .*$/m, "policies: policies"),
    };
    for (const f of fs.readdirSync(path.join(example, "inventory")))
      files[`inventory/${f}`] = fs.readFileSync(path.join(example, "inventory", f), "utf8");
    for (const f of fs.readdirSync(path.join(ROOT, "policies")))
      files[`policies/${f}`] = fs.readFileSync(path.join(ROOT, "policies", f), "utf8");
    git(repo, "init", "-q");
    writeFiles(repo, files);
    expect(await runBinary(repo, "codeowners")).toEqual({ code: 0, out: "wrote .github/CODEOWNERS\n", err: "" });
    const written = fs.readFileSync(path.join(repo, ".github", "CODEOWNERS"), "utf8");
    expect(written).toMatch(/^\/policies\/hr-salaries-by-request\.yaml +@erin-example$/m);
    expect(written).toMatch(/^\/inventory\/hr\.yaml +@erin-example$/m);
    expect(written).toMatch(/^\/\.github\/CODEOWNERS +@bob-example$/m);
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "estate");
    expect(await runBinary(repo, "codeowners", "--check")).toEqual({ code: 0, out: ".github/CODEOWNERS is up to date\n", err: "" });

    // carol becomes the hr steward instead of erin.
    writeFiles(repo, {
      "inventory/domains.yaml": files["inventory/domains.yaml"]!.replace("stewards: { users: [erin] }", "stewards: { users: [carol] }"),
    });
    const stale = await runBinary(repo, "codeowners", "--check");
    expect(stale).toEqual({
      code: 1,
      out: "",
      err: ".github/CODEOWNERS is stale: domains, stewards or GitHub identities changed; run `accessplane codeowners` and commit it\n",
    });
    await runBinary(repo, "codeowners");
    expect(fs.readFileSync(path.join(repo, ".github", "CODEOWNERS"), "utf8")).toMatch(
      /^\/policies\/hr-salaries-by-request\.yaml +@carol-example$/m,
    );
    expect((await runBinary(repo, "codeowners", "--check")).code).toBe(0);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
