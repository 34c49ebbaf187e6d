/**
 * The HTML access review in a real headless Chromium (Debian's `chromium` package, driven by
 * playwright-core): the rows shown, sorting, the filter box, keep/revoke, the print stylesheet, no
 * network request of any kind, hostile names inert, and a non-empty screenshot. Skipped, with a
 * message, only where no browser is installed (`.ci/run` installs it).
 * `UPDATE_SCREENSHOT=1` also writes the screenshot to docs/report.png for the README.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { reviewHtml } from "../../provider/report/html";
import type { Review } from "../../provider/report/rows";
import { exampleEstate, HOSTILE, hostileEstate, reviewOf } from "./support";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const hasBrowser = fs.existsSync(CHROMIUM);
if (!hasBrowser)
  console.warn(`report-browser: skipped: no browser at ${CHROMIUM} (install Debian's \`chromium\` package: apt-get install -y chromium)`);
const suite = hasBrowser ? describe : describe.skip;

/** Decodes a PNG's pixels enough to tell an empty (one-colour) image from a drawn one. */
function pngStats(buf: Buffer): { width: number; height: number; distinctBytes: number } {
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("ascii", off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    } else if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  // Count distinct byte values of a few scanlines' worth of pixels (filter bytes included): an
  // empty page has very few.
  const seen = new Set<number>();
  for (let i = 0; i < raw.length; i += 97) seen.add(raw[i]!);
  return { width, height, distinctBytes: seen.size };
}

suite("the HTML access review in headless Chromium", () => {
  let context: BrowserContext;
  let userDataDir: string;
  let dir: string;
  /** Every request the pages make, except loading the report file itself. */
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-chromium-"));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-report-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1400, height: 900 },
    });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file://")) return route.continue();
      requests.push(url);
      return route.abort();
    });
    context.on("request", (r) => {
      if (!r.url().startsWith("file://")) requests.push(r.url());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(review: Review, name: string): Promise<{ page: Page; fileRequests: string[] }> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, reviewHtml(review, { generator: "accessplane test" }));
    const page = await context.newPage();
    const fileRequests: string[] = [];
    page.on("request", (r) => fileRequests.push(r.url()));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto("file://" + file);
    await page.waitForLoadState("load");
    return { page, fileRequests };
  }

  const column = (page: Page, i: number) =>
    page.$$eval(`#grants tbody tr:not(.out) td:nth-child(${i + 1})`, (tds) => tds.map((t) => t.textContent!.trim()));
  const USER = 3; // keep/revoke, data source, platform, user

  test("shows every grant of the review, sorts, filters, records decisions, prints, and makes no request", async () => {
    const review = reviewOf(exampleEstate());
    const { page, fileRequests } = await open(review, "example.html");

    // Rows shown: one per grant, in the review's order, with its cells.
    expect(await page.locator("#grants tbody tr").count()).toBe(review.rows.length);
    expect(await page.locator("#count").textContent()).toBe(`${review.rows.length} of ${review.rows.length} rows`);
    const first = review.rows[0]!;
    const cells = await page.$$eval("#grants tbody tr:first-child td", (tds) => tds.map((t) => t.textContent!.trim()));
    expect(cells.slice(1, 8)).toEqual([
      first.dataSource,
      first.platform,
      first.user,
      first.identity,
      first.access,
      first.privileges.join(", "),
      first.policy,
    ]);
    expect(await page.locator("#sources tbody tr").count()).toBe(review.dataSources.length);
    expect(await page.locator("svg.chart g").count()).toBe(review.dataSources.length);

    // Sorting: by user, ascending then descending.
    const users = review.rows.map((r) => r.user);
    await page.click("#grants th:nth-child(4)");
    expect(await page.getAttribute("#grants th:nth-child(4)", "aria-sort")).toBe("ascending");
    expect(await column(page, USER)).toEqual([...users].sort((a, b) => a.localeCompare(b)));
    await page.click("#grants th:nth-child(4)");
    expect(await page.getAttribute("#grants th:nth-child(4)", "aria-sort")).toBe("descending");
    const desc = await column(page, USER);
    expect(desc[0]).toBe("frank");
    expect(desc).toEqual([...users].sort((a, b) => b.localeCompare(a)));

    // Filtering: every term must appear in the row.
    await page.fill("#filter", "frank");
    const frank = review.rows.filter((r) => r.user === "frank").length;
    expect(frank).toBeGreaterThan(0);
    expect(await page.locator("#grants tbody tr:not(.out)").count()).toBe(frank);
    expect(await page.locator("#count").textContent()).toBe(`${frank} of ${review.rows.length} rows`);
    await page.fill("#filter", "carol write");
    const carolWrites = review.rows.filter((r) => r.user === "carol" && r.access === "write").length;
    expect(await page.locator("#grants tbody tr:not(.out)").count()).toBe(carolWrites);
    expect(new Set(await column(page, USER))).toEqual(new Set(["carol"]));
    await page.fill("#filter", "no such text anywhere");
    expect(await page.locator("#grants tbody tr:not(.out)").count()).toBe(0);
    await page.fill("#filter", "");
    expect(await page.locator("#grants tbody tr:not(.out)").count()).toBe(review.rows.length);

    // Keep / revoke: exclusive per row, tallied.
    const row = page.locator("#grants tbody tr").first();
    await row.locator("input.keep").check();
    expect(await page.locator("#tally").textContent()).toBe(`1 kept, 0 revoked, ${review.rows.length - 1} undecided`);
    await row.locator("input.revoke").check();
    expect(await row.locator("input.keep").isChecked()).toBe(false);
    expect(await page.locator("#tally").textContent()).toBe(`0 kept, 1 revoked, ${review.rows.length - 1} undecided`);
    expect(await row.getAttribute("class")).toContain("revoke");

    // Print: the controls disappear and rows the filter hid are printed.
    await page.fill("#filter", "frank");
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".controls").isVisible()).toBe(false);
    expect(await page.locator("#grants tbody tr:visible").count()).toBe(review.rows.length);
    await page.emulateMedia({ media: "screen" });
    await page.fill("#filter", "");
    await row.locator("input.revoke").uncheck();

    // A screenshot that shows something: the top of the page, a few decisions ticked.
    await page.click("#grants th:nth-child(2)");
    const rows = page.locator("#grants tbody tr");
    await rows.nth(0).locator("input.keep").check();
    await rows.nth(1).locator("input.keep").check();
    await rows.nth(3).locator("input.revoke").check();
    await page.evaluate("window.scrollTo(0, 0)");
    const png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 1250 } });
    const stats = pngStats(png);
    expect(stats.width).toBe(1400);
    expect(stats.height).toBe(1250);
    expect(png.length).toBeGreaterThan(20_000);
    expect(stats.distinctBytes).toBeGreaterThan(40);
    if (process.env.UPDATE_SCREENSHOT === "1") fs.writeFileSync(path.join(__dirname, "..", "..", "docs", "report.png"), png);

    // No network: the only request is the file itself.
    expect(fileRequests).toEqual([page.url()]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);

  test("hostile names are shown as text and never run", async () => {
    const review = reviewOf(hostileEstate(), HOSTILE.owner);
    expect(review.rows.length).toBe(2);
    const { page, fileRequests } = await open(review, "hostile.html");
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await page.locator("#grants img, #sources img, #grants b").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.locator("h1").textContent()).toBe(`Access review: data sources owned by ${HOSTILE.owner}`);
    const users = await column(page, USER);
    expect(users.sort()).toEqual([HOSTILE.user, "plain"].sort());
    expect(await page.$$eval("#grants tbody tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent))).toEqual([
      HOSTILE.dataSource,
      HOSTILE.dataSource,
    ]);
    await page.fill("#filter", "onerror");
    expect(await page.locator("#grants tbody tr:not(.out)").count()).toBe(1);
    expect(dialogs).toEqual([]);
    expect(fileRequests).toEqual([page.url()]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);
});
