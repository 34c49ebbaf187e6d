/** The helpers every command shares: a plan is never changed after it is built. */
import { mergeIssues, withIssues } from "../../provider/cli/context";
import type { Issue } from "../../provider/model/issues";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import { baseEstate, mustLoad, NOW } from "../support/estate";

const extra: Issue = { severity: "warning", code: "selection-empty", message: "policy `x` selects no data source" };

test("withIssues derives a new plan and leaves the built one as it was", () => {
  const e = mustLoad(baseEstate());
  const built = planFromResolution(e, resolve(e, new Date(NOW)));
  const before = built.issues;
  const derived = withIssues(built, mergeIssues([extra], built.issues));
  expect(built.issues).toBe(before);
  expect(derived.issues).toEqual([extra, ...before]);
  expect(derived).not.toBe(built);
  // Every other field is the built plan's, access entries included (still built on first use).
  expect(derived.access).toEqual(built.access);
  expect(derived.accessCount).toBe(built.accessCount);
  expect(derived.principals).toBe(built.principals);
  expect(() => {
    (derived as { issues: Issue[] }).issues = [];
  }).toThrow(TypeError);
});

test("mergeIssues keeps the first of equal issues, in order", () => {
  const a: Issue = { ...extra, message: "a" };
  expect(mergeIssues([a, extra], [extra, a, { ...a }])).toEqual([a, extra]);
});
