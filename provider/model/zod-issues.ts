/**
 * zod issues to accessplane issues: each located at its file, line and dotted path, in words an
 * author of the YAML understands, with a hint of how to fix it.
 */
import { z } from "zod";
import type { Locator, SourceText } from "./estate";
import { type Issue, dottedPath } from "./issues";
import { InventoryFile, PolicyFile, PolicyInput, ProjectFile } from "./schema";
import { suggest } from "./suggest";

/** Every key of every object reachable from `roots`, in the order the schemas declare them. */
export function schemaKeys(roots: readonly z.core.$ZodType[]): string[] {
  const keys = new Set<string>();
  const seen = new Set<z.core.$ZodType>();
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    const def = s._zod.def as z.core.$ZodTypeDef & {
      shape?: Record<string, z.core.$ZodType>;
      innerType?: z.core.$ZodType;
      element?: z.core.$ZodType;
      options?: readonly z.core.$ZodType[];
      getter?: () => z.core.$ZodType;
      in?: z.core.$ZodType;
      out?: z.core.$ZodType;
      valueType?: z.core.$ZodType;
      left?: z.core.$ZodType;
      right?: z.core.$ZodType;
    };
    // The keys of a record are the author's own names (attribute names): only its values are schemas.
    const next: (z.core.$ZodType | undefined)[] = [
      def.innerType,
      def.element,
      ...(def.options ?? []),
      def.type === "lazy" ? def.getter?.() : undefined,
      def.in,
      def.out,
      def.valueType,
      def.left,
      def.right,
    ];
    if (def.type === "object" && def.shape) {
      for (const [k, v] of Object.entries(def.shape)) {
        keys.add(k);
        next.push(v);
      }
    }
    // Depth-first in declaration order: push in reverse so the first child is visited first.
    for (const n of next.reverse()) if (n !== undefined && !seen.has(n)) stack.push(n);
  }
  return [...keys];
}

/** Every key that any input schema accepts, for "did you mean" hints. */
export const KNOWN_KEYS: ReadonlySet<string> = new Set(schemaKeys([PolicyFile, PolicyInput, InventoryFile, ProjectFile]));

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text \`${v.length > 40 ? v.slice(0, 40) + "…" : v}\``;
  return `${typeof v} \`${String(v)}\``;
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of p) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  boolean: "`true` or `false`",
  array: "a list",
  object: "a mapping",
};

/** Converts zod issues to accessplane issues, located in their file. */
export function fromZod(
  error: z.ZodError,
  root: unknown,
  file: string,
  base: (string | number)[],
  locate: Locator,
  what: string,
  source?: SourceText,
): Issue[] {
  const out: Issue[] = [];
  const at = (p: (string | number)[], issue: Omit<Issue, "file" | "line" | "path" | "severity">) => {
    const full = [...base, ...p];
    const line = locate(file, full);
    out.push({ severity: "error", ...issue, file, ...(line !== undefined ? { line } : {}), path: dottedPath(full) });
  };
  const visit = (zi: z.core.$ZodIssue, prefix: (string | number)[]) => {
    const p = [...prefix, ...(zi.path as (string | number)[])];
    const actual = valueAt(root, p);
    const key = String(p[p.length - 1] ?? what);
    if (actual === undefined && zi.code !== "unrecognized_keys" && zi.code !== "invalid_union") {
      at(p, {
        code: "missing-field",
        message: `missing \`${key}\``,
        help: `add \`${key}\`${zi.code === "invalid_value" ? ` (one of ${zi.values.map((v) => `\`${String(v)}\``).join(", ")})` : "expected" in zi && typeof zi.expected === "string" ? ` (${EXPECTED[zi.expected] ?? zi.expected})` : ""}`,
      });
      return;
    }
    switch (zi.code) {
      case "unrecognized_keys":
        for (const key of zi.keys) {
          // A key valid elsewhere (e.g. `groups` under `subscribers`) is no typo: suggest nothing then.
          const s = KNOWN_KEYS.has(key) ? undefined : suggest(key, KNOWN_KEYS);
          at([...p, key], {
            code: "unknown-key",
            message: `unknown key \`${key}\` in ${what}`,
            help: s ? `did you mean \`${s}\`?` : "remove it; see the JSON Schema in schema/ for the keys allowed here",
          });
        }
        return;
      case "invalid_type": {
        // YAML reads `accountId: 222233334444` or `id: 007` as a number: quoting keeps the text.
        const quote =
          zi.expected === "string" && (typeof actual === "number" || typeof actual === "boolean" || actual === null)
            ? `quote it so that YAML reads it as text: \`${key}: "${source?.(file, [...base, ...p]) ?? String(actual)}"\``
            : zi.expected === "array" && (typeof actual === "string" || typeof actual === "number")
              ? `write a list: \`${key}: [${String(actual)}]\``
              : undefined;
        at(p, {
          code: "invalid-type",
          message: `\`${key}\` must be ${EXPECTED[zi.expected] ?? zi.expected}, got ${describe(actual)}`,
          help: quote ?? `write ${EXPECTED[zi.expected] ?? zi.expected} here`,
        });
        return;
      }
      case "invalid_value": {
        const same = typeof actual === "string" ? zi.values.find((v) => String(v).toLowerCase() === actual.toLowerCase()) : undefined;
        at(p, {
          code: "invalid-value",
          message: `\`${key}\` cannot be ${describe(actual)}`,
          help: `${same !== undefined ? `did you mean \`${String(same)}\`? (it differs only in case); ` : ""}use one of ${zi.values.map((v) => `\`${String(v)}\``).join(", ")}`,
        });
        return;
      }
      case "invalid_union": {
        if (zi.errors.length === 0) {
          const d = (zi as { discriminator?: string; options?: unknown[] }).options;
          at(p, {
            code: "invalid-value",
            message: `\`${key}\` cannot be ${describe(actual)}`,
            help: d ? `use one of ${d.map((v) => `\`${String(v)}\``).join(", ")}` : "see the JSON Schema for the accepted forms",
          });
          return;
        }
        // The branch with the fewest problems is the one the author most likely meant; a branch of
        // another kind than the value written (text where a mapping is) is the least likely.
        const score = (errs: z.core.$ZodIssue[]) =>
          errs.length + (errs.some((e) => e.code === "invalid_type" && e.path.length === 0) ? 1000 : 0);
        const best = [...zi.errors].sort((a, b) => score(a) - score(b))[0]!;
        for (const sub of best) visit(sub, p);
        return;
      }
      case "too_small":
        if (Array.isArray(actual) && (key === "anyOf" || key === "allOf")) {
          at(p, {
            code: "condition-empty",
            message: `\`${key}\` lists no condition`,
            help: `add at least one condition under \`${key}\`, or remove it`,
          });
          return;
        }
        return generic();
      default:
        return generic();
    }
    function generic() {
      const scalar = actual === null || typeof actual !== "object";
      at(p, {
        code: "invalid-value",
        message: `\`${key}\` ${zi.message.replace(/^Invalid input: /, "").replace(/\.$/, "")}${scalar ? ` (got ${describe(actual)})` : ""}`,
        help: (zi as { params?: { help?: string } }).params?.help ?? "see the JSON Schema in schema/ for what is accepted here",
      });
    }
  };
  for (const zi of error.issues) visit(zi, []);
  return out;
}
