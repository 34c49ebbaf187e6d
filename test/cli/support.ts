/** Helpers for CLI tests: temporary estates on disk, in-process runs, and runs of the real binary. */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../provider/cli/main";
import { plain } from "../../provider/plan/render/table";

/** The repository root (where bin/accessplane.js lives). */
export const ROOT = path.resolve(__dirname, "..", "..");

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(prefix = "accessplane-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `files` (relative path -> text) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

/** Runs git in `dir` with a fixed identity and no user or system configuration. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args],
    {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_AUTHOR_DATE: "2026-11-01T00:00:00Z",
        GIT_COMMITTER_DATE: "2026-11-01T00:00:00Z",
      },
    },
  );
}

/** The result of one CLI run. */
export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process, without colour or progress. */
export async function run(...args: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(["node", "accessplane", ...args], {
    out: (s) => (out += s),
    err: (s) => (err += s),
    style: plain,
    progress: false,
  });
  return { code, out, err };
}

/** Runs the real binary (`node bin/accessplane.js`) in `cwd`, as a user or CI would; output is piped, and NO_COLOR unset. */
export function runBinary(cwd: string, ...args: string[]): Promise<Run> {
  return runBinaryWithEnv(cwd, {}, ...args);
}

/** `runBinary` with `env` added to the child's environment only (credentials a test plants, say). */
export function runBinaryWithEnv(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "bin", "accessplane.js"), ...args],
      { cwd, encoding: "utf8", env: { ...withoutNoColor(), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, out: stdout, err: stderr.replace(/^npm warn .*\n/gm, "") });
      },
    );
  });
}

function withoutNoColor(): NodeJS.ProcessEnv {
  const { NO_COLOR: _, ...env } = process.env;
  return env;
}
