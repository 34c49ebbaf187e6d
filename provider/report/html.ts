/**
 * The access review as one self-contained HTML file: inline CSS and a small inline script, no
 * network at all (the Content-Security-Policy forbids every fetch), no external fonts. A data owner
 * opens it in a browser, filters and sorts the grants, ticks keep or revoke per row, and prints it
 * as the signed-off record of the review. Every value from the estate is escaped.
 */
import { shortInstant } from "../plan/render/time";
import type { Review, ReviewDataSource, ReviewRow } from "./rows";

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** What the page says about where it comes from. */
export interface HtmlOptions {
  /** e.g. `accessplane 0.1.0`. */
  generator?: string;
  /** The estate the review reads, e.g. `accessplane.yaml`. */
  estate?: string;
  /** The filters in force, described. */
  filter?: string;
}

/** Data sources the chart draws before saying how many it left out. */
export const CHART_SOURCES = 40;

const CSS = `
:root { --fg:#1b1f24; --muted:#5b6570; --line:#d5dae0; --bg:#fff; --head:#f3f5f7; --read:#2f7d4f; --write:#b5651d; --revoke:#fbe9e9; --keep:#eaf6ee; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.meta { color: var(--muted); margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
th[data-sort] { cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \\25B2"; } th[aria-sort="descending"]::after { content: " \\25BC"; }
td.num, th.num { text-align: right; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; color: #fff; font-size: 12px; }
.read { background: var(--read); } .write { background: var(--write); }
.controls { display: flex; gap: 16px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.controls input[type=search] { width: 320px; padding: 4px 8px; font: inherit; }
tr.out { display: none; }
tr.keep td { background: var(--keep); } tr.revoke td { background: var(--revoke); }
.decision { white-space: nowrap; }
.decision label { margin-right: 6px; }
.kind { color: var(--muted); font-size: 12px; }
td.date { white-space: nowrap; }
.nobody { color: var(--muted); }
.chart text { font: 12px system-ui, sans-serif; fill: var(--fg); }
.signoff td { height: 36px; }
.legend span { margin-right: 12px; }
@media print {
  body { margin: 0; font-size: 11px; }
  .controls, .noprint { display: none !important; }
  tr.out { display: table-row; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .badge { color: #000; border: 1px solid #000; background: none; }
  section { break-inside: auto; }
  .signoff { break-inside: avoid; }
}
`;

/** Sorting, filtering and the keep/revoke tally; no network, no globals beyond its own closure. */
const SCRIPT = `
(function () {
  var table = document.getElementById("grants");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var count = document.getElementById("count");
  var tally = document.getElementById("tally");
  function key(row, i) {
    var c = row.cells[i];
    return c.getAttribute("data-value") || c.textContent.trim();
  }
  function update() {
    var terms = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (r) {
      var text = r.getAttribute("data-text");
      var ok = terms.every(function (t) { return text.indexOf(t) >= 0; });
      r.classList.toggle("out", !ok);
      if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " rows";
  }
  function decide() {
    var k = 0, v = 0;
    rows.forEach(function (r) {
      var keep = r.querySelector("input.keep").checked, revoke = r.querySelector("input.revoke").checked;
      r.classList.toggle("keep", keep);
      r.classList.toggle("revoke", revoke);
      if (keep) k++;
      if (revoke) v++;
    });
    tally.textContent = k + " kept, " + v + " revoked, " + (rows.length - k - v) + " undecided";
  }
  rows.forEach(function (r) {
    r.setAttribute("data-text", r.textContent.toLowerCase().replace(/\\s+/g, " "));
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    if (!th.hasAttribute("data-sort")) return;
    th.tabIndex = 0;
    function sort() {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, i), y = key(b, i);
        var d = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
  body.addEventListener("change", function (e) {
    var t = e.target;
    if (!t || !t.classList) return;
    var row = t.closest("tr");
    if (t.checked && t.classList.contains("keep")) row.querySelector("input.revoke").checked = false;
    if (t.checked && t.classList.contains("revoke")) row.querySelector("input.keep").checked = false;
    decide();
  });
  filter.addEventListener("input", update);
  update();
  decide();
})();
`;

const when = (s: string | undefined) => (s === undefined ? "" : shortInstant(s));
/** The day of an instant (UTC), for table cells; the exact instant is the cell's tooltip. */
const day = (s: string) => new Date(Date.parse(s)).toISOString().slice(0, 10);

function rowHtml(r: ReviewRow, i: number): string {
  const since = r.since
    ? `<td class="date" data-value="${esc(r.since)}" title="${esc(`${when(r.since)}: ${r.sinceSource === "approval" ? "approved at" : "first commit of the policy file"}`)}">${esc(day(r.since))}</td>`
    : `<td data-value="" class="nobody">unknown</td>`;
  const until = r.until
    ? `<td class="date" data-value="${esc(r.until)}" title="${esc(when(r.until))}">${esc(day(r.until))}</td>`
    : `<td data-value="~" class="nobody">no expiry</td>`;
  const approval = r.approvedBy ? `${esc(r.approvedBy)} on ${esc(day(r.approvedAt!))}` : "";
  return (
    `<tr id="row-${i}">` +
    `<td class="decision"><label><input type="checkbox" class="keep" name="keep-${i}"> keep</label><label><input type="checkbox" class="revoke" name="revoke-${i}"> revoke</label></td>` +
    `<td><code>${esc(r.dataSource)}</code></td>` +
    `<td>${esc(r.platform)}</td>` +
    `<td>${esc(r.user)}</td>` +
    `<td><code>${esc(r.identity)}</code></td>` +
    `<td data-value="${esc(r.access)}"><span class="badge ${r.access === "write" ? "write" : "read"}">${esc(r.access)}</span></td>` +
    `<td><code>${esc(r.privileges.join(", "))}</code></td>` +
    `<td>${esc(r.policy)}</td>` +
    `<td><code>${esc(r.principal)}</code><br><span class="kind">${esc(r.principalKind)}</span></td>` +
    since +
    until +
    `<td>${approval}</td>` +
    `<td>${esc(r.approvers.join(", "))}</td>` +
    `</tr>`
  );
}

/** A horizontal bar per data source: readers and writers. */
export function chartSvg(sources: readonly ReviewDataSource[]): string {
  const shown = [...sources].sort((a, b) => b.users - a.users || (a.id < b.id ? -1 : 1)).slice(0, CHART_SOURCES);
  const max = Math.max(1, ...shown.map((d) => d.users));
  const labelW = Math.min(360, Math.max(120, ...shown.map((d) => d.id.length * 7 + 12)));
  const barW = 420;
  const rowH = 20;
  const h = shown.length * rowH + 28;
  const w = labelW + barW + 60;
  const bars = shown.map((d, i) => {
    const y = i * rowH + 4;
    const rw = (d.readers / max) * barW;
    const ww = (d.writers / max) * barW;
    return (
      `<g><title>${esc(d.id)}: ${d.users} user${d.users === 1 ? "" : "s"} (${d.readers} read, ${d.writers} write)</title>` +
      `<text x="${labelW - 8}" y="${y + 14}" text-anchor="end">${esc(d.id)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${rw.toFixed(1)}" height="16" fill="#2f7d4f"/>` +
      `<rect x="${(labelW + rw).toFixed(1)}" y="${y}" width="${ww.toFixed(1)}" height="16" fill="#b5651d"/>` +
      `<text x="${(labelW + rw + ww + 6).toFixed(1)}" y="${y + 14}">${d.users}</text></g>`
    );
  });
  const legendY = shown.length * rowH + 18;
  return (
    `<svg class="chart" role="img" aria-label="users with access per data source" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    bars.join("") +
    `<rect x="${labelW}" y="${legendY - 10}" width="12" height="12" fill="#2f7d4f"/><text x="${labelW + 16}" y="${legendY}">read</text>` +
    `<rect x="${labelW + 70}" y="${legendY - 10}" width="12" height="12" fill="#b5651d"/><text x="${labelW + 86}" y="${legendY}">write</text>` +
    `</svg>` +
    (sources.length > shown.length
      ? `<p class="meta">${sources.length - shown.length} more data sources with fewer users are in the table below.</p>`
      : "")
  );
}

function sourcesTable(sources: readonly ReviewDataSource[]): string {
  const rows = sources.map(
    (d) =>
      `<tr><td><code>${esc(d.id)}</code></td><td>${esc(d.platform)}</td><td>${esc(d.objectType)}</td><td>${esc(d.tags.join(", "))}</td><td>${esc(d.owners.join(", "))}</td>` +
      `<td class="num">${d.readers}</td><td class="num">${d.writers}</td><td class="num${d.users === 0 ? " nobody" : ""}">${d.users === 0 ? "nobody" : d.users}</td></tr>`,
  );
  return (
    `<table id="sources"><thead><tr><th>data source</th><th>platform</th><th>object type</th><th>tags</th><th>owners</th><th class="num">read</th><th class="num">write</th><th class="num">users</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

const HEADERS: { label: string; sort: boolean }[] = [
  { label: "keep / revoke", sort: false },
  ...[
    "data source",
    "platform",
    "user",
    "identity",
    "access",
    "privileges",
    "policy",
    "principal",
    "since",
    "until",
    "approval",
    "approvers",
  ].map((label) => ({ label, sort: true })),
];

/** The review as a complete HTML document. */
export function reviewHtml(review: Review, o: HtmlOptions = {}): string {
  const who = review.owner !== undefined ? `data sources owned by ${esc(review.owner)}` : "every data source";
  const users = new Set(review.rows.map((r) => r.user)).size;
  const pairs = new Set(review.rows.map((r) => `${r.user}\n${r.dataSource}`)).size;
  const title = `Access review: ${who}`;
  const head = HEADERS.map((h) => `<th${h.sort ? ' data-sort=""' : ""} scope="col">${esc(h.label)}</th>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(o.generator ?? "accessplane")}">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="meta">Access as deployed at ${esc(shortInstant(review.now))}: ${review.dataSources.length} data source${review.dataSources.length === 1 ? "" : "s"}, ${pairs} grant${pairs === 1 ? "" : "s"} (user × data source, as the plan counts them) to ${users} user${users === 1 ? "" : "s"}; ${review.rows.length} row${review.rows.length === 1 ? "" : "s"}, one per policy and principal${o.estate ? ` · estate ${esc(o.estate)}` : ""}${o.filter ? ` · filtered: <code>${esc(o.filter)}</code>` : ""} · ${esc(o.generator ?? "accessplane")}</p>
<p class="meta">Each row is one grant the deployment makes: a user's access to a data source through a policy and the platform principal (role, group) that carries it. Tick <b>keep</b> or <b>revoke</b> per row, then print this page as the signed record; revoke by changing the policy (or the approval) in the policy repository.</p>
</header>
<section>
<h2>Users with access per data source</h2>
${chartSvg(review.dataSources)}
</section>
<section>
<h2>Who has access</h2>
<div class="controls"><label>Filter <input id="filter" type="search" placeholder="user, data source, policy, principal…" autocomplete="off"></label><span id="count">${review.rows.length} of ${review.rows.length} rows</span><span id="tally">0 kept, 0 revoked, ${review.rows.length} undecided</span></div>
<table id="grants"><thead><tr>${head}</tr></thead>
<tbody>
${review.rows.map(rowHtml).join("\n")}
</tbody></table>
${review.rows.length === 0 ? `<p class="nobody">Nobody holds access to these data sources.</p>` : ""}
</section>
<section>
<h2>Data sources</h2>
${sourcesTable(review.dataSources)}
</section>
<section class="signoff">
<h2>Sign-off</h2>
<table><tbody><tr><th scope="row">reviewer</th><td></td><th scope="row">date</th><td></td></tr><tr><th scope="row">signature</th><td colspan="3"></td></tr></tbody></table>
</section>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
