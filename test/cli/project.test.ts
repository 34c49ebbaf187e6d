/**
 * The project file: found by walking up from the working directory, entries relative to it, flags
 * overriding single entries, no fallback to the bundled example; and the library's `loadEstate`,
 * which throws one InputError listing every issue.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../provider/model/issues";
import { findProject, loadEstate, ProjectError, projectPaths } from "../../provider/project";
import { tempDir, writeFiles } from "./support";

let dir: string;
const ROOT = path.resolve(__dirname, "..", "..");

const INVENTORY =
  "users:\n  - id: ana\n    identities: { snowflake: ANA }\ndataSources:\n  - id: t1\n    platform: snowflake\n    objectType: BASE TABLE\n    location: { database: D, schema: S, table: T }\n";
const POLICY = "name: read\naccess: read\nsubscribers: { users: [ana] }\ndataSources: { names: [t1] }\n";

beforeAll(() => {
  dir = fs.realpathSync(tempDir("accessplane-project-"));
  writeFiles(dir, {
    "repo/accessplane.yaml": "policies: access/policies\ninventory: access/inventory.yaml\nnaming: { snowflakeRolePrefix: TEAM_ }\n",
    "repo/access/policies/read.yaml": POLICY,
    "repo/access/inventory.yaml": INVENTORY,
    "repo/deep/er/.keep": "",
    "split/accessplane.yaml": "policies: p\ninventory: i.yaml\nconfig: platforms.yaml\n",
    "split/p/read.yaml": POLICY,
    "split/i.yaml": INVENTORY,
    "split/platforms.yaml": "naming: { snowflakeRolePrefix: SPLIT_ }\n",
    "broken/accessplane.yaml": "policies: p\ninventory: i.yaml\n",
    "broken/p/read.yaml": "name: read\naccess: read\nsubscribers: { users: [ana, anna] }\ndataSources: { names: [t1, t9] }\n",
    "broken/i.yaml": INVENTORY,
    "nopolicies/accessplane.yaml": "inventory: i.yaml\n",
    "empty/.keep": "",
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the nearest accessplane.yaml from the working directory or above", () => {
  expect(findProject(path.join(dir, "repo", "deep", "er"))).toBe(path.join(dir, "repo", "accessplane.yaml"));
  expect(findProject(path.join(dir, "repo"))).toBe(path.join(dir, "repo", "accessplane.yaml"));
  expect(findProject(path.join(dir, "empty"))).toBeUndefined();
});

test("entries are relative to the project file; the project file itself is the configuration", () => {
  expect(projectPaths({}, path.join(dir, "repo", "deep"), ROOT)).toEqual({
    file: path.join(dir, "repo", "accessplane.yaml"),
    policies: path.join(dir, "repo", "access", "policies"),
    inventory: path.join(dir, "repo", "access", "inventory.yaml"),
    config: path.join(dir, "repo", "accessplane.yaml"),
    configExplicit: false,
  });
  expect(projectPaths({}, path.join(dir, "split"), ROOT).config).toBe(path.join(dir, "split", "platforms.yaml"));
});

test("a flag overrides its entry only, relative to the working directory", () => {
  const p = projectPaths({ inventory: "other.yaml" }, path.join(dir, "repo", "deep"), ROOT);
  expect([p.policies, p.inventory, p.config]).toEqual([
    path.join(dir, "repo", "access", "policies"),
    path.join(dir, "repo", "deep", "other.yaml"),
    path.join(dir, "repo", "accessplane.yaml"),
  ]);
});

test("no project file: both paths from flags, or a usage error; never the bundled example", () => {
  const cwd = path.join(dir, "empty");
  expect(() => projectPaths({}, cwd, ROOT)).toThrow(
    new ProjectError(`no accessplane.yaml found from ${cwd} upwards; run \`accessplane init\` or pass --policies/--inventory`),
  );
  expect(() => projectPaths({ inventory: "i" }, cwd, ROOT)).toThrow(
    `no accessplane.yaml found from ${cwd} upwards: pass --policies too, or run \`accessplane init\``,
  );
  expect(projectPaths({ policies: "p", inventory: "i" }, cwd, ROOT)).toEqual({
    policies: path.join(cwd, "p"),
    inventory: path.join(cwd, "i"),
    configExplicit: false,
  });
  expect(() => projectPaths({}, path.join(dir, "nopolicies"), ROOT)).toThrow(
    `${path.join(dir, "nopolicies", "accessplane.yaml")} names no \`policies\`: add \`policies: <path>\` (relative to the file), or pass --policies`,
  );
  // `--example` reads the repository's own project file; an installed package has none.
  expect(projectPaths({ example: true }, cwd, ROOT).file).toBe(path.join(ROOT, "accessplane.yaml"));
  expect(() => projectPaths({ example: true }, cwd, path.join(dir, "empty"))).toThrow(
    "--example: the example estate is not part of the installed package",
  );
});

test("loadEstate reads the project file, with its inline or separate configuration", () => {
  const e = loadEstate(undefined, path.join(dir, "repo", "deep"));
  expect([e.policies.map((p) => p.name), e.config.naming.snowflakeRolePrefix, e.warnings]).toEqual([["read"], "TEAM_", []]);
  expect(loadEstate("accessplane.yaml", path.join(dir, "split")).config.naming.snowflakeRolePrefix).toBe("SPLIT_");
  expect(() => loadEstate(undefined, path.join(dir, "empty"))).toThrow(ProjectError);
});

const ISSUES = ["error unknown-data-source", "warning user-not-in-inventory"];

test("loadEstate throws one InputError listing every issue of an estate with errors", () => {
  const cwd = process.cwd();
  process.chdir(path.join(dir, "broken"));
  try {
    let error: unknown;
    try {
      loadEstate();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => `${i.severity} ${i.code}`)).toEqual(ISSUES);
    expect((error as InputError).message).toBe(
      [
        "p/read.yaml:4: error[unknown-data-source]: unknown data source `t9` (at dataSources.names[1])",
        "    help: did you mean `t1`? otherwise add it to the inventory's `dataSources` or fix the id",
      ].join("\n"),
    );
  } finally {
    process.chdir(cwd);
  }
});
