/**
 * The access review as CSV for spreadsheets: the same rows as the HTML report plus a `decision`
 * column to fill in. RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): CRLF line ends, fields with
 * a comma, a double quote or a line break in double quotes, quotes doubled. A cell a spreadsheet
 * would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed
 * with `'` so it stays text (https://owasp.org/www-community/attacks/CSV_Injection).
 */
import { REVIEW_COLUMNS, type Review, rowCells } from "./rows";

/** A cell a spreadsheet cannot evaluate: formula-like text is prefixed with `'`. */
export function safeCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One RFC 4180 field. */
export function csvField(s: string): string {
  const v = safeCell(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The review as CSV text: a header row, then one row per grant. */
export function reviewCsv(review: Review): string {
  const lines = [[...REVIEW_COLUMNS, "decision (keep/revoke)"].map(csvField).join(",")];
  for (const r of review.rows) lines.push([...rowCells(r), ""].map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}
