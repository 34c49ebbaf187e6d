#!/usr/bin/env node
// Builds the npm package into dist/: the library and CLI compiled by tsc with declarations
// (tsconfig.build.json), the command's launcher, and the CrossGuard pack as a runnable directory.
// `--launcher` copies only the launcher: `prepare` runs that on `npm ci`, so a checkout's
// `npx accessplane` works at once; `prepack` runs the whole build before `npm pack` and publish.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

function launcher() {
  fs.mkdirSync(path.join(dist, "bin"), { recursive: true });
  const target = path.join(dist, "bin", "accessplane.js");
  fs.copyFileSync(path.join(root, "bin", "accessplane.js"), target);
  fs.chmodSync(target, 0o755);
}

if (process.argv.includes("--launcher")) {
  launcher();
} else {
  fs.rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  launcher();
  // `pulumi preview --policy-pack node_modules/accessplane/dist/policy-pack` runs this directory.
  const pack = path.join(dist, "policy-pack");
  fs.copyFileSync(path.join(root, "policy-pack", "PulumiPolicy.yaml"), path.join(pack, "PulumiPolicy.yaml"));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "policy-pack", "package.json"), "utf8"));
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const packManifest = {
    name: manifest.name,
    version,
    description: manifest.description,
    license: manifest.license,
    private: true,
    main: "index.js",
  };
  fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify(packManifest, null, 2) + "\n");
}
