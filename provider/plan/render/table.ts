/**
 * Small terminal helpers: aligned columns and optional colour. Colour is decided by the caller
 * (TTY and NO_COLOR), so renderers stay pure and testable.
 */
import picocolors from "picocolors";

// The CLI decides whether to colour (TTY, NO_COLOR); picocolors must not second-guess it.
const pc = picocolors.createColors(true);

/** Colour functions; identity functions when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/** A style that adds ANSI colours. */
export const colour: Style = {
  bold: pc.bold,
  dim: pc.dim,
  red: pc.red,
  green: pc.green,
  yellow: pc.yellow,
  cyan: pc.cyan,
};

const id = (s: string) => s;
/** A style that adds nothing (pipes, NO_COLOR, tests). */
export const plain: Style = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

const ANSI = /\u001b\[[0-9;]*m/g;
const width = (s: string) => s.replace(ANSI, "").length;

/** Aligns rows into columns separated by two spaces; the last column is not padded. */
export function columns(rows: string[][], indent = ""): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - width(c))))
        .join("  ")
        .trimEnd(),
  );
}

/** Data sources a terminal line names before counting the rest. */
export const TTY_SOURCES = 8;

/**
 * The data sources of an issue about several, as a line to print under it: all of them, or the first
 * `cap` and a count (terminals). Empty for an issue about one or none: its message names it.
 */
export function issueSources(i: { dataSources?: readonly string[] }, cap?: number): string {
  const ds = i.dataSources ?? [];
  if (ds.length < 2) return "";
  if (cap === undefined || ds.length <= cap) return `data sources: ${ds.join(", ")}`;
  return `data sources: ${ds.slice(0, cap).join(", ")}, … and ${ds.length - cap} more (\`--format json\` lists them all)`;
}
