/**
 * A stand-in for Pulumi's dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider/index.js`),
 * run by test/dynamic/serialize.test.ts in a fresh `node` process with no TypeScript loader, so the
 * only code it runs is the serialised provider text.
 *
 * It deserialises the provider exactly as the host's `getProvider` does:
 * `requireFromString(serialized).handler()`, then `configure({ config })` with the host's own
 * `Config` class over the raw stack config. Then it serves calls: one JSON line on stdin
 * (`{ "method": "check", "args": [...] }`) gets one JSON line on stdout (`{ "ok": result }` or
 * `{ "error": { name, message, kind } }`). The first line is the setup:
 * `{ "serialized": "...", "config": { "accessplane:postgresUrl": "..." }, "project": "..." }`.
 */
"use strict";
const path = require("node:path");
const readline = require("node:readline");

// The host resolves these from @pulumi/pulumi itself; so does this stand-in.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const requireFromString = require(require.resolve("require-from-string", { paths: [pulumiDir] }));
const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config");

let provider;

async function handle(line) {
  const msg = JSON.parse(line);
  if (!provider) {
    // The host runs with the project directory as cwd: `require` in the provider text resolves from there.
    provider = requireFromString(msg.serialized).handler();
    if (provider.configure) await provider.configure({ config: new Config(msg.config ?? {}, msg.project ?? "test") });
    return { ok: { methods: Object.getOwnPropertyNames(Object.getPrototypeOf(provider)).sort() } };
  }
  const result = await provider[msg.method](...msg.args);
  return { ok: result === undefined ? null : result };
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      reply = await handle(line);
    } catch (e) {
      reply = { error: { name: e && e.name, message: e && e.message ? e.message : String(e), kind: e && e.kind } };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
lines.on("close", () => {
  void queue.then(() => process.exit(0));
});
