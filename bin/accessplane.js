#!/usr/bin/env node
// The accessplane command. Installed from npm, this file is dist/bin/accessplane.js and runs the
// compiled JavaScript in dist/ (no TypeScript loader at run time). In a checkout of the accessplane
// repository, where the TypeScript sources sit beside it, it runs them through tsx (a development
// dependency), so `npm ci && npx accessplane plan` needs no build and never runs a stale one.
const fs = require("node:fs");
const path = require("node:path");

const root = path.basename(path.dirname(__dirname)) === "dist" ? path.resolve(__dirname, "..", "..") : path.resolve(__dirname, "..");
const sources = path.join(root, "provider", "cli", "main.ts");
let main;
if (fs.existsSync(sources)) {
  require("tsx/cjs");
  main = require(sources).main;
} else {
  main = require(path.join(root, "dist", "provider", "cli", "main.js")).main;
}
main(process.argv).then((code) => {
  process.exitCode = code;
});
