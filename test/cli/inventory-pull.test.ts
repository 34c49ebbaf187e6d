/**
 * Usage errors of `accessplane inventory pull`, through the real binary: each is one `error:` line on
 * stderr, nothing on stdout, exit code 2, and no source is contacted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT } from "../../provider/cli/main";
import { runBinary, tempDir, writeFiles } from "./support";

jest.setTimeout(60_000);

const dirs: string[] = [];
/** A fresh directory outside any project (symlinks resolved, as the binary sees its working directory). */
const fresh = () => {
  const d = fs.realpathSync(tempDir("accessplane-pull-usage-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A project with two directory sources; the SCIM endpoints are never contacted by a usage error. */
const PROJECT = `policies: policies
inventory:
  path: inventory
  sources:
    - name: okta
      kind: scim
      url: http://127.0.0.1:9/scim/v2
      token: { env: SCIM_TOKEN }
    - name: entra
      kind: scim
      url: http://127.0.0.1:9/scim/v2
      token: { env: SCIM_TOKEN }
`;

test("without accessplane.yaml: names the project file the pull reads, not flags it does not take", async () => {
  const dir = fresh();
  expect(await runBinary(dir, "inventory", "pull")).toEqual({
    code: EXIT.usage,
    out: "",
    err: `error: \`inventory pull\` reads the sources of accessplane.yaml; none was found from ${dir} upwards: run \`accessplane init\` to create one\n`,
  });
});

test("an unknown --source names the flag, the unknown names and the sources there are", async () => {
  const dir = fresh();
  writeFiles(dir, { "accessplane.yaml": PROJECT, "policies/.keep": "", "inventory/.keep": "" });
  expect(await runBinary(dir, "inventory", "pull", "--source", "okta", "ldap", "--dry-run")).toEqual({
    code: EXIT.usage,
    out: "",
    err: "error: --source: no source named `ldap`; the sources are `okta`, `entra`\n",
  });
});

test("an inventory that is one file cannot hold pulled files", async () => {
  const dir = fresh();
  writeFiles(dir, {
    "accessplane.yaml": PROJECT.replace("path: inventory", `path: ${path.join("inventory", "all.yaml")}`),
    "inventory/all.yaml": "users: []\n",
  });
  expect(await runBinary(dir, "inventory", "pull")).toEqual({
    code: EXIT.usage,
    out: "",
    err: "error: the inventory `inventory/all.yaml` is one file; pulled files need a directory: make `inventory.path` a directory\n",
  });
});

test("a project without sources says how to declare one, and pulls nothing without failing", async () => {
  const dir = fresh();
  writeFiles(dir, { "accessplane.yaml": "policies: policies\ninventory: inventory\n", "policies/.keep": "", "inventory/.keep": "" });
  expect(await runBinary(dir, "inventory", "pull")).toEqual({
    code: EXIT.ok,
    out: "",
    err: 'note: accessplane.yaml declares no sources, so there is nothing to pull: write `inventory: { path: inventory, sources: [...] }` with one entry per catalog or identity provider (README: "Pull the inventory from your platforms")\n',
  });
  expect(fs.existsSync(path.join(dir, "inventory", "pulled"))).toBe(false);
  expect(await runBinary(dir, "inventory", "pull", "--source", "okta")).toEqual({
    code: EXIT.usage,
    out: "",
    err: "error: --source: no source named `okta`; accessplane.yaml declares none (`inventory.sources`)\n",
  });
});
