/**
 * The estate and its sources: the raw files an estate is read from, the validated estate loading
 * yields, and where its parts were written.
 */
import type { Issue } from "./issues";
import type { Config, Inventory, Policy } from "./schema";

/** One input file's bytes, named by a path relative to the working directory. */
export interface SourceFile {
  path: string;
  content: Buffer | string;
}

/** The raw inputs of an estate, as read from disk or from a git revision. */
export interface EstateSources {
  policies: SourceFile[];
  inventory: SourceFile[];
  config?: SourceFile;
}

/** A loaded estate: validated, normalised and sorted, so results never depend on file order. */
export interface Estate {
  policies: Policy[];
  inventory: Inventory;
  config: Config;
  /**
   * Where inventory items were written, for issues found after loading. Set by the loader as a
   * non-enumerable property; estates built in code, or copied with a spread, have none.
   */
  readonly origins?: EstateOrigins;
}

/** Where something was written: file, 1-based line and dotted path. */
export interface SourceLocation {
  file: string;
  line?: number;
  path: string;
}

/** Looks up where inventory items were written. */
export interface EstateOrigins {
  /** Where the user with this id is defined (its first definition). */
  user(id: string): SourceLocation | undefined;
  /** Where the group with this id is defined (its first definition). */
  group?(id: string): SourceLocation | undefined;
}

/** Finds the line of a dotted path inside one parsed file. */
export type Locator = (file: string, path: readonly (string | number)[]) => number | undefined;
/** The source text of the scalar at a dotted path inside one parsed file, as written. */
export type SourceText = (file: string, path: readonly (string | number)[]) => string | undefined;

/** Where to read an estate from; every path is a file or a directory of `.yaml`/`.yml` files. */
export interface EstatePaths {
  policies: string;
  inventory: string;
  config?: string | undefined;
}

/** The result of loading: the estate when there are no errors, and every issue found. */
export interface LoadResult {
  estate: Estate | undefined;
  issues: Issue[];
}
