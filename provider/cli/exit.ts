/**
 * Every exit code of the `accessplane` command, with its meaning. Commands set codes from `EXIT`
 * only; `--help` prints `EXIT_MEANINGS`, and the README lists the same table.
 */

/** The exit codes by name. */
export const EXIT = { ok: 0, inputErrors: 1, usage: 2, widens: 3, sourceFailed: 4, internal: 70 } as const;

/** An exit code of the CLI. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means; a new code needs its line here to compile. */
export const EXIT_MEANINGS: { readonly [K in keyof typeof EXIT]: string } = {
  ok: "success (warnings allowed)",
  inputErrors: "the estate has errors (every one is printed)",
  usage: "usage error: unknown command or option, bad value, no project file",
  widens:
    "access outside policy: widens without acknowledgement (diff --fail-on-widen without --ack), or exists unmanaged (audit --fail-on-unmanaged)",
  sourceFailed: "a source of `inventory pull`, `audit` or `adopt` could not be read (its issues are printed); nothing of it was written",
  internal: "internal error: please report it with the command you ran",
};

/** The table as `--help` prints it. */
export function exitCodesHelp(): string {
  const rows = (Object.keys(EXIT) as (keyof typeof EXIT)[]).map((k) => `  ${String(EXIT[k]).padEnd(3)} ${EXIT_MEANINGS[k]}`);
  return ["Exit codes:", ...rows].join("\n");
}
