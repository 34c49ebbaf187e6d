/**
 * Exit codes of every command: 0 success (warnings allowed), 1 input errors, 2 usage errors,
 * 3 access widens without acknowledgement. No run prints a stack trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { baseEstate, inventory, NOW } from "../support/estate";
import { EXIT, EXIT_MEANINGS } from "../../provider/cli/main";
import { run, tempDir, writeFiles } from "./support";

let dir: string;
const cwd = process.cwd();
const est = (name: string) => [
  "--policies",
  path.join(dir, name, "policies"),
  "--inventory",
  path.join(dir, name, "inventory"),
  "--config",
  path.join(dir, name, "accessplane.yaml"),
];

beforeAll(() => {
  dir = tempDir("accessplane-exit-");
  const flat = (e: ReturnType<typeof baseEstate>) => ({ ...e.policies, ...e.inventory, "accessplane.yaml": e.config! });
  writeFiles(path.join(dir, "base"), flat(baseEstate()));
  writeFiles(path.join(dir, "wider"), flat(baseEstate({ inventory: inventory({ benGroups: ["analysts"] }) })));
  writeFiles(path.join(dir, "invalid"), {
    ...flat(baseEstate()),
    "policies/bad.yaml": "name: bad\naccess: read\nsubscribers: { users: [anm] }\ndataSources: { names: [t9] }\n",
    "policies/empty-selection.yaml":
      "name: empty\naccess: read\nsubscribers: { anyone: true }\ndataSources: { names: [t1], platforms: [s3] }\n",
  });
  // Outside any project: the estates come from the flags alone.
  process.chdir(dir);
});

afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The first line of a text output, for the estate `name` given by flags. */
const header = (name: string) =>
  `estate from flags (no accessplane.yaml): policies ${name}/policies, inventory ${name}/inventory, config ${name}/accessplane.yaml\n`;

const noStack = (r: { out: string; err: string }) => expect(r.out + r.err).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);

describe("exit 0", () => {
  test("plan, validate and explain of a valid estate", async () => {
    for (const args of [
      ["plan", ...est("base"), "--now", NOW],
      ["validate", ...est("base"), "--now", NOW],
      ["explain", "ann", "t1", ...est("base"), "--now", NOW],
    ]) {
      const r = await run(...args);
      expect([args[0], r.code, r.err]).toEqual([args[0], 0, ""]);
    }
  });

  test("validate prints its totals; diff of equal estates", async () => {
    expect(await run("validate", ...est("base"), "--now", NOW)).toEqual({
      code: 0,
      out: header("base") + "0 errors, 0 warnings\n",
      err: "",
    });
    const d = await run(
      "diff",
      "--base",
      path.join(dir, "base"),
      "--head",
      path.join(dir, "base"),
      ...["--policies", "policies", "--inventory", "inventory", "--config", "accessplane.yaml"],
      "--now",
      NOW,
      "--fail-on-widen",
    );
    expect(d.code).toBe(0);
    expect(d.out.split("\n")[0]).toBe(
      "estate from flags (no accessplane.yaml): policies policies, inventory inventory, config accessplane.yaml",
    );
    expect(d.out.split("\n")[2]).toBe("+0 grants, -0 revokes, 0 changed");
  });
});

describe("exit 1", () => {
  test("validate prints every error and warning, then the totals", async () => {
    const r = await run("validate", ...est("invalid"), "--now", NOW);
    expect(r.code).toBe(1);
    const rel = (f: string) => path.relative(process.cwd(), path.join(dir, "invalid", f));
    expect(r.out).toBe(
      [
        header("invalid").trimEnd(),
        `${rel("policies/bad.yaml")}:4: error[unknown-data-source]: unknown data source \`t9\` (at dataSources.names[0])`,
        "    help: did you mean `t1`? otherwise add it to the inventory's `dataSources` or fix the id",
        `${rel("policies/bad.yaml")}:3: warning[policy-admits-nobody]: policy \`bad\` admits no user (at subscribers)`,
        "    help: none of the users it names is in the inventory",
        `${rel("policies/bad.yaml")}:3: warning[user-not-in-inventory]: policy \`bad\` names user \`anm\`, who is not in the inventory: this grants nothing (at subscribers.users[0])`,
        "    help: did you mean `ann`? if so, fix the id; remove the reference if the user has left; otherwise add the user to the inventory",
        `${rel("policies/bad.yaml")}:4: warning[selection-empty]: policy \`bad\` selects no data source (at dataSources)`,
        "    help: check the names, tags and platforms under `dataSources`",
        `${rel("policies/empty-selection.yaml")}:4: warning[selection-empty]: policy \`empty\` selects no data source (at dataSources)`,
        "    help: check the names, tags and platforms under `dataSources`",
        "1 error, 4 warnings",
        "",
      ].join("\n"),
    );
    noStack(r);
  });

  test("plan, explain and diff of an invalid estate", async () => {
    for (const args of [
      ["plan", ...est("invalid")],
      ["explain", "ann", ...est("invalid")],
    ]) {
      const r = await run(...args);
      expect([args[0], r.code, r.out]).toEqual([args[0], 1, header("invalid")]);
      expect(r.err).toMatch(/1 error: nothing was planned\n$/);
      noStack(r);
    }
    const d = await run(
      "diff",
      "--base",
      path.join(dir, "base"),
      "--head",
      path.join(dir, "invalid"),
      "--policies",
      "policies",
      "--inventory",
      "inventory",
      "--config",
      "accessplane.yaml",
    );
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/1 error in .*invalid: nothing was compared\n$/);
  });
});

describe("exit 2", () => {
  test.each([
    [["plan", "--now", "yesterday"], "error: --now: `yesterday` is not an ISO 8601 instant such as 2026-01-31T00:00:00Z\n"],
    [
      ["diff", "--base", "main", "--base-now", "soon"],
      "error: --base-now: `soon` is not an ISO 8601 instant such as 2026-01-31T00:00:00Z\n",
    ],
    [["explain", "anne", "t1", ...["--now", NOW]], "error: unknown user `anne`: did you mean `ann`?\n"],
    [["explain", "ann", "t7", ...["--now", NOW]], "error: unknown data source `t7`: did you mean `t1`?\n"],
  ])("%j", async (args, err) => {
    const withEstate = args[0] === "explain" ? [...args, ...est("base")] : args;
    expect(await run(...withEstate)).toEqual({ code: 2, out: "", err });
  });

  test("every command, without a project file or flags, exits 2 and never reads the bundled example", async () => {
    const err = `error: no accessplane.yaml found from ${process.cwd()} upwards; run \`accessplane init\` or pass --policies/--inventory\n`;
    for (const args of [
      ["plan"],
      ["plan", "--format", "json"],
      ["validate"],
      ["explain", "ann"],
      ["diff", "--base", path.join(dir, "base")],
    ]) {
      expect([args, await run(...args)]).toEqual([args, { code: 2, out: "", err }]);
    }
    // Half an estate is refused too: the other half would have to come from somewhere.
    expect(await run("validate", "--policies", path.join(dir, "base", "policies"))).toEqual({
      code: 2,
      out: "",
      err: `error: no accessplane.yaml found from ${process.cwd()} upwards: pass --inventory too, or run \`accessplane init\`\n`,
    });
  });

  test("unknown options, commands and missing arguments", async () => {
    for (const args of [
      ["plan", "--colour"],
      ["deploy"],
      ["diff"],
      ["explain"],
      ["plan", "--format", "yaml"],
      ["diff", "--base", path.join(dir, "nope")],
    ]) {
      const r = await run(...args);
      expect([args, r.code, r.out]).toEqual([args, 2, ""]);
      expect(r.err).toMatch(/^error: /);
      noStack(r);
    }
  });
});

describe("exit 3", () => {
  test("diff --fail-on-widen when access widens without --ack", async () => {
    const args = [
      "diff",
      "--base",
      path.join(dir, "base"),
      "--head",
      path.join(dir, "wider"),
      "--policies",
      "policies",
      "--inventory",
      "inventory",
      "--config",
      "accessplane.yaml",
      "--now",
      NOW,
    ];
    const r = await run(...args, "--fail-on-widen", "--format", "json");
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).blastRadius.users).toEqual(["ben"]);
    expect(r.err).toBe(
      "access widens for 1 user without acknowledgement: review the diff, then pass --ack (in CI: add the `access-widening-approved` label to the pull request)\n",
    );
    expect((await run(...args, "--fail-on-widen", "--ack")).code).toBe(0);
    expect((await run(...args)).code).toBe(0);
    // Narrowing never fails the run.
    const narrow = [
      "diff",
      "--base",
      path.join(dir, "wider"),
      "--head",
      path.join(dir, "base"),
      "--policies",
      "policies",
      "--inventory",
      "inventory",
      "--config",
      "accessplane.yaml",
      "--now",
      NOW,
    ];
    expect((await run(...narrow, "--fail-on-widen")).code).toBe(0);
  });
});

describe("the table", () => {
  test("--help lists every exit code with its meaning, in the table's order", async () => {
    const r = await run("--help");
    expect(r.code).toBe(EXIT.ok);
    const table = r.out.slice(r.out.indexOf("Exit codes:\n"));
    expect(table).toBe(
      [
        "Exit codes:",
        "  0   success (warnings allowed)",
        "  1   the estate has errors (every one is printed)",
        "  2   usage error: unknown command or option, bad value, no project file",
        "  3   access outside policy: widens without acknowledgement (diff --fail-on-widen without --ack), or exists unmanaged (audit --fail-on-unmanaged)",
        "  4   a source of `inventory pull`, `audit` or `adopt` could not be read (its issues are printed); nothing of it was written",
        "  70  internal error: please report it with the command you ran",
        "",
      ].join("\n"),
    );
    expect(Object.keys(EXIT_MEANINGS)).toEqual(Object.keys(EXIT));
  });
});
