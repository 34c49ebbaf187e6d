/** The size limits of input files, and the issues that report a file over them. */
import type { Issue } from "./issues";

/** The largest input file accepted; larger files are rejected before parsing. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** The deepest nesting accepted in any input document (conditions nest; nothing else needs depth). */
export const MAX_DEPTH = 64;

/** The issue of a file over MAX_FILE_BYTES. */
export const fileTooLarge = (file: string, size: number): Issue => ({
  severity: "error",
  code: "file-too-large",
  message: `file is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
  file,
  help: "split it into several files in the same directory",
});

/** The issue of a document nested deeper than MAX_DEPTH. */
export const tooDeep = (file: string): Issue => ({
  severity: "error",
  code: "too-deep",
  message: `nesting is deeper than ${MAX_DEPTH} levels`,
  file,
  help: "flatten nested `anyOf`/`allOf` conditions: nesting of the same operator can be merged",
});
