/** Jest runs TypeScript through swc (transpile only); `npm run typecheck` type-checks. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  testTimeout: 120000,
  // Two workers on a two-core machine: the suites wait on PostgreSQL, child processes and the
  // package install much of the time, so the second core is not idle.
  maxWorkers: 2,
};
