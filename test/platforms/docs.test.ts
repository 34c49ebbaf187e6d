/** The platform docs are generated: regenerating them must yield exactly the committed files. */
import * as fs from "node:fs";
import * as path from "node:path";
import { PLATFORMS } from "../../provider/model/schema";
import { DOCS_DIR, renderAll } from "../../scripts/platform-docs";

const ROOT = path.resolve(__dirname, "..", "..");
const generated = renderAll();

describe("docs/platforms", () => {
  it("holds exactly the generated pages: an index and one page per platform", () => {
    expect([...generated.keys()].sort()).toEqual([`${DOCS_DIR}/README.md`, ...PLATFORMS.map((p) => `${DOCS_DIR}/${p}.md`)].sort());
    expect(fs.readdirSync(path.join(ROOT, DOCS_DIR)).sort()).toEqual([...generated.keys()].map((f) => path.basename(f)).sort());
  });

  it.each([...generated.keys()])("%s is up to date (run `npm run docs:platforms`)", (file) => {
    expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toBe(generated.get(file));
  });

  it.each(PLATFORMS)("%s: the write section states the audit and create/drop limits", (p) => {
    const page = generated.get(`${DOCS_DIR}/${p}.md`)!;
    expect(page).toContain("- Write actions are not captured by audit:");
    expect(page).toContain("- Except on Starburst (Trino), write access modifies existing data only: it never creates or drops tables.");
  });
});
