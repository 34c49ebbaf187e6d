/**
 * Runs a Pulumi TypeScript program under `pulumi.runtime.setMocks`, compiled the way Pulumi's
 * Node.js language host compiles it: this repeats the TypeScript branch of
 * `@pulumi/pulumi/cmd/run/run.js` (3.248.0) for a CommonJS project (no `"type": "module"`), using
 * the project's own @pulumi/pulumi: `tsutils.typeScriptRequireStrings()` picks the project's
 * `typescript` and `ts-node` or the vendored ts-node@7.0.1, `loadTypeScriptCompilerOptions` reads
 * tsconfig.json, `transpileOnly` is `PULUMI_NODEJS_TRANSPILE_ONLY` or the tsconfig's `noCheck`
 * (otherwise ts-node type-checks), and the defaults under the tsconfig's options are ES2020 and
 * nodenext (commonjs/node before TypeScript 4.7).
 *
 * Run with the program's directory as cwd: `node <dir>/pulumi-run.cjs <project> <stack>`, the file
 * placed in the project that installed @pulumi/pulumi. Prints one
 * JSON line: the stack outputs, the resources registered (type and name), the dynamic providers'
 * serialised text by resource name, and where @pulumi/pulumi was loaded from (by the program and
 * by accessplane: one copy, or registration breaks).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [project, stack] = process.argv.slice(2);
const tsutils = require("@pulumi/pulumi/tsutils");
const semver = require(require.resolve("semver", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));

const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const skipProject = !fs.existsSync(tsConfigPath);
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const ts = require(typescriptRequire);
const tsVersion = semver.parse(ts.version);
const useNodeNext = tsVersion && tsVersion.compare(new semver.SemVer("4.7.0")) >= 0;
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly,
  project: tsConfigPath,
  skipProject,
  compilerOptions: {
    target: "ES2020",
    module: useNodeNext ? "nodenext" : "commonjs",
    moduleResolution: useNodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...compilerOptions,
  },
});

const pulumi = require("@pulumi/pulumi");
const registered = [];
const serialized = {};
pulumi.runtime
  .setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type} ${args.name}`);
        if (typeof args.inputs.__provider === "string") serialized[args.name] = args.inputs.__provider;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => (args.token === "databricks:index/getUser:getUser" ? { id: `user-${args.inputs.userName}` } : args.inputs),
    },
    project,
    stack,
    false,
  )
  .then(async () => {
    // Pulumi.yaml's `main: index.ts`.
    const exports = require(path.resolve("index.ts"));
    const outputs = {};
    for (const [k, v] of Object.entries(exports)) outputs[k] = await new Promise((resolve) => pulumi.output(v).apply(resolve));
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    const accessplaneDir = path.dirname(require.resolve("accessplane/package.json", { paths: [process.cwd()] }));
    process.stdout.write(
      JSON.stringify({
        outputs,
        registered: registered.sort(),
        serialized,
        pulumi: {
          program: path.relative(__dirname, require.resolve("@pulumi/pulumi", { paths: [process.cwd()] })),
          accessplane: path.relative(__dirname, require.resolve("@pulumi/pulumi", { paths: [accessplaneDir] })),
          typescript: ts.version,
          tsnode: path.relative(__dirname, require.resolve(tsnodeRequire)),
          transpileOnly: transpileOnly ?? false,
        },
      }) + "\n",
    );
  })
  .catch((e) => {
    process.stderr.write(`${e && e.name}: ${e && e.message}\n`);
    process.exitCode = 1;
  });
// The language host reports an error thrown by the program as its message, without a stack.
process.on("uncaughtException", (e) => {
  process.stderr.write(`${e && e.name}: ${e && e.message}\n`);
  process.exit(1);
});
