/**
 * The README's `inventory.sources` example (section "Pull the inventory from your platforms") is a
 * valid project file: one source of every kind, each accepted by its connector's schema as written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONNECTOR_KINDS } from "../../provider/connectors";
import { readSources } from "../../provider/connectors/pull-sources";
import { tempDir } from "../cli/support";

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

test("the README's sources example declares every kind, and every entry checks", () => {
  const section = README.slice(README.indexOf("## Pull the inventory from your platforms"));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const dir = tempDir("accessplane-readme-sources-");
  try {
    const file = path.join(dir, "accessplane.yaml");
    fs.writeFileSync(file, `policies: policies\n${block}`);
    const r = readSources(file, path.join(dir, "inventory"), dir);
    expect(r.issues).toEqual([]);
    const kinds = new Set(r.sources.map((s) => s.entry.kind));
    expect(CONNECTOR_KINDS.filter((k) => !kinds.has(k) && k !== "postgres")).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
