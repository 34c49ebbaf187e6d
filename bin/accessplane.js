#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so `npm ci` is the only set-up step.
require("tsx/cjs");
require("../provider/cli/main.ts").main(process.argv).then((code) => {
  process.exitCode = code;
});
