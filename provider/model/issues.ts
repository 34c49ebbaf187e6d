/**
 * Problems found in the inputs or while planning. Every stage collects them and reports all at once;
 * errors fail a plan, warnings never do.
 */

/** How serious a problem is: errors fail the run, warnings are reported only. */
export type Severity = "error" | "warning";

/** One problem, located as precisely as the stage that found it can. */
export interface Issue {
  severity: Severity;
  /** Stable kebab-case code: tooling may match on it. */
  code: string;
  /** Lowercase, no final period, user values in backticks. */
  message: string;
  /** File, relative to the working directory, where the problem is. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Dotted path inside the file, e.g. `policies[2].subscribers.when.anyOf[0].group`. */
  path?: string;
  /** How to fix it. */
  help?: string;
  /** Every data source the issue concerns (sorted), when it concerns several. */
  dataSources?: string[];
}

/** Renders a dotted path from zod- or YAML-style path segments. */
export function dottedPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Orders issues for stable output: errors first, then by file, line, path and code. */
export function sortIssues(issues: Issue[]): Issue[] {
  const rank = (s: Severity) => (s === "error" ? 0 : 1);
  return [...issues].sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.path ?? "").localeCompare(b.path ?? "") ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** True when any issue is an error. */
export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

/** Formats one issue as `file:line: severity[code]: message (at path)` plus its help line. */
export function formatIssue(i: Issue): string {
  const where = i.file ? `${i.file}${i.line ? `:${i.line}` : ""}: ` : "";
  const at = i.path ? ` (at ${i.path})` : "";
  const help = i.help ? `\n    help: ${i.help}` : "";
  return `${where}${i.severity}[${i.code}]: ${i.message}${at}${help}`;
}

/** Thrown by library entry points when inputs have errors; carries every issue. */
export class InputError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.filter((i) => i.severity === "error").map(formatIssue).join("\n"));
    this.name = "InputError";
  }
}
