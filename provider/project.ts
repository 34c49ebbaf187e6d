/**
 * The project file: `accessplane.yaml`, found by walking up from the working directory. It names
 * the estate's `policies` and `inventory` (relative to itself) and holds the platform configuration
 * inline, or names a separate file under `config`. Nothing here ever falls back to the bundled
 * example: that is read only when asked for (`--example`, or the repository's own project file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, parseDocument } from "yaml";
import { hasErrors, InputError, type Issue } from "./model/issues";
import type { Estate, EstatePaths } from "./model/estate";
import { loadEstate as loadEstateResult } from "./model/read";

/** The name of the project file. */
export const PROJECT_FILE = "accessplane.yaml";

/** A problem finding or reading the project file, or combining it with flags: exit code 2. */
export class ProjectError extends Error {}

/** Flags that name an estate; each overrides one entry of the project file. */
export interface EstateFlags {
  policies?: string | undefined;
  inventory?: string | undefined;
  config?: string | undefined;
  /** Read the bundled example estate (a checkout of the accessplane repository only). */
  example?: boolean | undefined;
}

/** Where an estate is read from; every path is absolute. */
export interface ProjectPaths {
  /** The project file, when one was found (or `--example` chose the bundled one). */
  file?: string;
  policies: string;
  inventory: string;
  /** The configuration source: the project file itself (inline keys), a named file, or none (defaults). */
  config?: string;
  /** The configuration was named by `--config` (it must exist then, on every side of a diff). */
  configExplicit: boolean;
}

/** The nearest `accessplane.yaml` in `cwd` or a directory above it. */
export function findProject(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ;) {
    const f = path.join(dir, PROJECT_FILE);
    if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The message when there is no project file and no flags. */
export const noProjectMessage = (cwd: string) =>
  `no ${PROJECT_FILE} found from ${cwd} upwards; run \`accessplane init\` or pass --policies/--inventory`;

/** The bundled example's project file, in a checkout of the accessplane repository (the package does not ship it). */
export function exampleProject(packageRoot: string): string {
  const f = path.join(packageRoot, PROJECT_FILE);
  if (!fs.existsSync(f) || !fs.existsSync(path.join(packageRoot, "examples"))) {
    throw new ProjectError(
      "--example: the example estate is not part of the installed package; run `accessplane init` for a starting estate",
    );
  }
  return f;
}

/** The path entries of a project file (`policies`, `inventory`, `config`), absolute. Shape errors of other keys are left to loading. */
export function readProjectEntries(file: string): { policies?: string; inventory?: string; config?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ProjectError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? "unknown error"}`);
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new ProjectError(`${file} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
  const out: { policies?: string; inventory?: string; config?: string } = {};
  if (doc.contents === null) return out;
  if (!isMap(doc.contents)) throw new ProjectError(`${file} must be a mapping of keys such as \`policies\`, \`inventory\` and \`naming\``);
  for (const key of ["policies", "inventory", "config"] as const) {
    const node = doc.contents.get(key, true);
    if (node === undefined) continue;
    if (!isScalar(node) || typeof node.value !== "string" || node.value === "") {
      throw new ProjectError(
        `${file}: \`${key}\` must be a path relative to the file, e.g. \`${key === "config" ? "platforms.yaml" : key}\``,
      );
    }
    out[key] = path.resolve(path.dirname(file), node.value);
  }
  return out;
}

/**
 * The estate's paths: the project file found from `cwd` (or the example), each entry overridden by
 * its flag (flags are relative to `cwd`). Throws ProjectError when nothing names the estate.
 */
export function projectPaths(flags: EstateFlags, cwd: string, packageRoot: string, project?: string): ProjectPaths {
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(cwd, p));
  const file = project ?? (flags.example ? exampleProject(packageRoot) : findProject(cwd));
  const given = { policies: abs(flags.policies), inventory: abs(flags.inventory), config: abs(flags.config) };
  if (!file) {
    if (given.policies === undefined && given.inventory === undefined) throw new ProjectError(noProjectMessage(cwd));
    // Half an estate from flags and the other half from nowhere would be a guess: ask for both.
    const lacking = given.policies === undefined ? "--policies" : given.inventory === undefined ? "--inventory" : undefined;
    if (lacking) throw new ProjectError(`no ${PROJECT_FILE} found from ${cwd} upwards: pass ${lacking} too, or run \`accessplane init\``);
    return {
      policies: given.policies!,
      inventory: given.inventory!,
      ...(given.config ? { config: given.config } : {}),
      configExplicit: given.config !== undefined,
    };
  }
  const entries = readProjectEntries(file);
  const entry = (key: "policies" | "inventory") => {
    const p = given[key] ?? entries[key];
    if (p === undefined)
      throw new ProjectError(`${file} names no \`${key}\`: add \`${key}: <path>\` (relative to the file), or pass --${key}`);
    return p;
  };
  return {
    file,
    policies: entry("policies"),
    inventory: entry("inventory"),
    config: given.config ?? entries.config ?? file,
    configExplicit: given.config !== undefined || entries.config !== undefined,
  };
}

/** The first line of every text output: which project file and which paths were read. */
export function projectLine(p: ProjectPaths, cwd: string): string {
  const rel = (f: string) => path.relative(cwd, f) || ".";
  const config = p.config === undefined ? "defaults" : p.config === p.file ? "inline" : rel(p.config);
  const head = p.file ? `estate ${rel(p.file)}` : `estate from flags (no ${PROJECT_FILE})`;
  return `${head}: policies ${rel(p.policies)}, inventory ${rel(p.inventory)}, config ${config}`;
}

/** The accessplane package's root: above the sources in a checkout, above dist/ when installed. */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ;) {
    const f = path.join(dir, "package.json");
    if (fs.existsSync(f)) {
      try {
        if ((JSON.parse(fs.readFileSync(f, "utf8")) as { name?: string }).name === "accessplane") return dir;
      } catch {
        // Not ours: keep walking.
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`accessplane's package.json not found above ${from}`);
    dir = up;
  }
}

/** The installed package's manifest: its version and the peer dependencies every program must provide (optional ones left out). */
export function packageManifest(): { version: string; peerDependencies: Record<string, string> } {
  const m = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  const peers = Object.entries(m.peerDependencies ?? {}).filter(([name]) => !m.peerDependenciesMeta?.[name]?.optional);
  return { version: m.version, peerDependencies: Object.fromEntries(peers) };
}

/** The installed package's version. */
export function packageVersion(): string {
  return packageManifest().version;
}

/** An estate loaded by the library, with the warnings found (errors throw). */
export interface LoadedEstate extends Estate {
  /** Every warning of the estate: worth logging, never fatal. */
  warnings: Issue[];
}

/**
 * Loads an estate for a Pulumi program or a script: from a project file (default: the nearest
 * accessplane.yaml from `cwd`), or from explicit paths. Throws one InputError listing every issue
 * (file:line, code, message, help) when the estate has errors, so no error can be dropped.
 */
export function loadEstate(from?: string | EstatePaths, cwd: string = process.cwd()): LoadedEstate {
  let paths: EstatePaths;
  if (typeof from === "object") paths = from;
  else {
    const file = from === undefined ? findProject(cwd) : path.resolve(cwd, from);
    if (file === undefined) throw new ProjectError(noProjectMessage(cwd));
    if (!fs.existsSync(file)) throw new ProjectError(`project file ${file} does not exist; run \`accessplane init\` to create one`);
    const p = projectPaths({}, path.dirname(file), "", file);
    paths = { policies: p.policies, inventory: p.inventory, config: p.config };
  }
  const res = loadEstateResult(paths);
  if (!res.estate || hasErrors(res.issues)) throw new InputError(res.issues);
  return { ...res.estate, warnings: res.issues.filter((i) => i.severity === "warning") };
}
