/**
 * The `accessplane` command line: offline plans, diffs and explanations over the same core the
 * Pulumi program runs. This file only builds the program: each command is a file under commands/,
 * and every exit code is in exit.ts.
 */
import { Command, CommanderError } from "commander";
import { packageVersion, type EstateFlags } from "../project";
import { COMMANDS } from "./commands";
import { type Context, relativePaths, resolveProject } from "./context";
import { EXIT, exitCodesHelp } from "./exit";
import { defaultIo, type Io } from "./io";
import { Progress } from "./progress";

export { ACK_LABEL } from "./commands/diff";
export { resolveProject } from "./context";
export { EXIT, EXIT_MEANINGS } from "./exit";
export { chooseStyle, type Io } from "./io";

/** The paths `loadEstate` reads, relative to the working directory as issues name files. */
export function estatePaths(o: EstateFlags, cwd = process.cwd()) {
  return relativePaths(resolveProject(o, cwd), cwd);
}

/** Builds the command tree; `io` is injectable for tests. */
export function program(io: Io, setCode: (c: number) => void): Command {
  const prog = new Command("accessplane")
    .description("Subscription policies as code: who may read or write which data sources, on every platform")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError()
    .addHelpText("after", "\n" + exitCodesHelp());
  const ctx: Context = { io, setCode, progress: () => new Progress(io.err, !!io.progress) };
  for (const register of COMMANDS) register(prog, ctx);
  return prog;
}

/** Runs the CLI; resolves to the exit code. Never throws, never prints a stack trace. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let code: number = EXIT.ok;
  const prog = program(io, (c) => (code = c));
  try {
    await prog.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return EXIT.ok;
      if (e.code === "accessplane.usage") io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    io.err(`internal error: ${(e as Error).message}\nplease report this with the command you ran\n`);
    return EXIT.internal;
  }
}
