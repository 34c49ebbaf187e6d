/** Where the CLI writes, and how: injectable for tests. */
import { colour, plain, type Style } from "../plan/render/table";

/** Where the CLI writes; injectable for tests. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  style: Style;
  /** Show a progress line on stderr for slow runs (stderr is a terminal). */
  progress?: boolean;
  /** Standard output is a terminal: long lists of data sources in issues are capped with a count. */
  tty?: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function chooseStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return stream.isTTY && !env.NO_COLOR ? colour : plain;
}

/** The process's standard output and error. */
export function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    style: chooseStyle(process.stdout, process.env),
    progress: !!process.stderr.isTTY,
    tty: !!process.stdout.isTTY,
  };
}
