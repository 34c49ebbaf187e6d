// One lint for the whole repository: typescript-eslint's recommended rules on every TypeScript file,
// plus the rules that keep the dynamic providers' code serialisable by Pulumi.
import tseslint from "typescript-eslint";

// Pulumi stores each dynamic provider in the state as JavaScript text made by closure serialisation
// (`pulumi.runtime.serializeFunction`): every value a provider method reaches is captured by value,
// and the dynamic provider host evaluates the text later. The code a provider reaches (pulumi/dynamic,
// platforms/sql) keeps to the rules below; test/dynamic/serialize.test.ts runs the serialised
// providers in a fresh process, and test/lint/dynamic-rules.test.ts shows each rule firing.
const PROVIDER_CODE = ["provider/pulumi/dynamic/**/*.ts", "provider/platforms/sql/**/*.ts"];
// Program-side modules that build the schema constants and re-export the resources; no provider
// method reaches them (the import rules below keep it so).
const PROGRAM_SIDE_MODULES = ["provider/pulumi/dynamic/index.ts", "provider/pulumi/dynamic/input-schemas.ts"];
// Modules of pulumi/dynamic that every provider shares: they must not reach @pulumi/pulumi at run time.
const SHARED_DYNAMIC_CODE = [
  "provider/pulumi/dynamic/base.ts",
  "provider/pulumi/dynamic/connection.ts",
  "provider/pulumi/dynamic/errors.ts",
  "provider/pulumi/dynamic/schemas.ts",
  "provider/pulumi/dynamic/trino-schemas.ts",
  "provider/pulumi/dynamic/view-dialects.ts",
  "provider/pulumi/dynamic/view-provider.ts",
  "provider/pulumi/dynamic/zod.ts",
];

// Not in a function: at module level, evaluated once when the program loads.
const AT_MODULE_LEVEL = ":not(:function *)";

const CLOSURE_SYNTAX = [
  {
    selector: "ExportNamedDeclaration > VariableDeclaration",
    message:
      "No `export const` in code a dynamic provider reaches: declare `const NAME` and list it in `export { NAME }`. " +
      "tsc compiles a module's own references to an exported const as `exports.NAME`, and in the serialised text `exports` is no longer that module.",
  },
  {
    selector: "Program > VariableDeclaration[kind!='const']",
    message:
      "No module-level `let`/`var` in code a dynamic provider reaches: mutable state (a cache, say) filled in the program is captured with the provider.",
  },
  {
    // A schema chain (`zod().string().min(1)`) starts with the `zod()` or `xxxSchema()` call.
    selector: `Program > VariableDeclaration CallExpression[callee.name=/^zod$|Schema$/]${AT_MODULE_LEVEL}`,
    message:
      "No zod schema in a module-level binding: a schema cannot be serialised. Build it in a builder function (`xxxSchema()` calling `zod()`) that provider methods call.",
  },
  {
    selector: `Program > VariableDeclaration NewExpression[callee.name=/^(Set|Map|WeakSet|WeakMap)$/]${AT_MODULE_LEVEL}`,
    message:
      "No module-level `Set` or `Map` in code a dynamic provider reaches: they are captured as plain objects, without their entries. Use an array or an object literal.",
  },
  {
    selector: `Program CallExpression[callee.name='require']${AT_MODULE_LEVEL}`,
    message:
      "`require` a driver or module inside the function that uses it, never at module level: the serialised provider then requires it in the provider host, and stays small.",
  },
  {
    selector:
      ":matches(ClassDeclaration, ClassExpression)[superClass.name=/Error$/] > ClassBody:not(:has(MethodDefinition[kind='constructor']))",
    message:
      "An Error subclass in code a dynamic provider reaches needs a constructor that calls `initError(this, message)` last: serialised, `super(message)` leaves `this` without message or stack.",
  },
  {
    selector:
      ":matches(ClassDeclaration, ClassExpression)[superClass.name=/Error$/] > ClassBody > MethodDefinition[kind='constructor'] > FunctionExpression > BlockStatement > :last-child:not(ExpressionStatement[expression.callee.name='initError'])",
    message:
      "An Error subclass's constructor calls `initError(this, message)` last: serialised, `super(message)` leaves `this` without message or stack.",
  },
  {
    selector: "ClassDeclaration[id.name=/Provider$/] > ClassBody MemberExpression[object.name='pulumi']",
    message:
      "A provider method must not use @pulumi/pulumi at run time: the serialised provider would capture the SDK. Types (`pulumi.dynamic.CheckResult`) are fine.",
  },
];

const DRIVER_IMPORTS = ["pg", "mssql", "trino-client", "zod"].map((name) => ({
  name,
  allowTypeImports: true,
  message:
    name === "zod"
      ? "Use `zod()` (pulumi/dynamic/zod.ts) inside a builder function; a type-only import is fine."
      : `\`require("${name}")\` inside the function that uses it; a type-only import is fine.`,
}));
const PROGRAM_SIDE = "Program-side schema constants: provider code calls the builders they come from instead.";

// platforms/sql is plain generators: its types are plain TypeScript, and input schemas live in pulumi/dynamic.
const SQL_NO_ZOD = {
  name: "zod",
  message:
    "platforms/sql is plain generators: declare plain types here; zod input schemas live in pulumi/dynamic (schemas.ts, trino-schemas.ts).",
};

const SQL_NO_PULUMI = {
  group: ["**/pulumi/**"],
  message: "platforms/sql is plain generators below pulumi/: it imports nothing from there (zod schemas included).",
};

/**
 * `no-restricted-imports` for provider code; `shared`: no @pulumi/pulumi value import; `sql`: inside
 * platforms/sql (no zod at all, not even types; no schemas module).
 */
function restrictedImports({ shared, sql }) {
  const pulumi = {
    name: "@pulumi/pulumi",
    allowTypeImports: true,
    message: "Modules every provider reaches import @pulumi/pulumi for types only: the serialised provider would capture the SDK.",
  };
  const groups = ["**/input-schemas", "**/platforms/sql/schemas", ...(sql ? ["./schemas"] : [])];
  const drivers = sql ? [...DRIVER_IMPORTS.filter((d) => d.name !== "zod"), SQL_NO_ZOD] : DRIVER_IMPORTS;
  const patterns = [{ group: groups, message: PROGRAM_SIDE }, ...(sql ? [SQL_NO_PULUMI] : [])];
  return ["error", { paths: [...drivers, ...(shared ? [pulumi] : [])], patterns }];
}

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "coverage/**", ".tmp/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: PROVIDER_CODE,
    ignores: PROGRAM_SIDE_MODULES,
    rules: {
      "no-restricted-syntax": ["error", ...CLOSURE_SYNTAX],
      "no-restricted-imports": restrictedImports({ shared: false, sql: false }),
    },
  },
  {
    files: SHARED_DYNAMIC_CODE,
    rules: { "no-restricted-imports": restrictedImports({ shared: true, sql: false }) },
  },
  {
    files: ["provider/platforms/sql/**/*.ts"],
    ignores: PROGRAM_SIDE_MODULES,
    rules: { "no-restricted-imports": restrictedImports({ shared: true, sql: true }) },
  },
);
