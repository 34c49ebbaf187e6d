/** Golden files: exact expected outputs committed beside the tests; UPDATE_GOLDEN=1 rewrites them. */
import * as fs from "node:fs";
import * as path from "node:path";

/** Asserts `actual` equals the committed golden file (or writes it when UPDATE_GOLDEN=1). */
export function expectGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === "1" || !fs.existsSync(file)) {
    if (process.env.CI && !fs.existsSync(file)) throw new Error(`golden file ${file} is missing`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}
