/**
 * Credentials of sources: always a reference, never a secret in the project file. A reference is
 * `{ env: NAME }`, the name of an environment variable that holds the secret when the pull runs
 * (CI injects it from its secret store). A literal string where a credential is expected is an
 * error naming the key path; a variable that is unset or empty is an error naming the variable. No
 * error ever quotes a value.
 */
import { z } from "zod";
import { type CredentialRef, SourceError } from "./types";

/** An environment variable's name as POSIX shells accept it. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const LITERAL = "is a literal value where a credential reference is expected: never write a secret in the project file";
const LITERAL_HELP = "put the secret in an environment variable (a CI secret) and write `{ env: VARIABLE_NAME }` here";

/**
 * A credential reference in a connector's configuration. A string (a literal secret) fails with a
 * message that names no value, so the path alone locates it.
 */
export const Credential: z.ZodType<CredentialRef> = z.strictObject(
  {
    env: z.string().regex(ENV_NAME, { message: "must be an environment variable name such as `SCIM_TOKEN`" }),
  },
  {
    error: (iss) =>
      iss.code === "invalid_type" && iss.input !== undefined && typeof iss.input !== "object" ? { message: LITERAL } : undefined,
  },
);

/** One problem of a connector configuration: a dotted path and a message that quotes no value. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  help?: string;
}

/**
 * The problems of a connector configuration, from its zod error, without ever quoting the input:
 * a connector key may hold a literal secret by mistake.
 */
export function configProblems(error: z.ZodError): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const visit = (zi: z.core.$ZodIssue, prefix: (string | number)[]) => {
    const p = [...prefix, ...(zi.path as (string | number)[])];
    if (zi.code === "invalid_union" && zi.errors.length > 0) {
      const best = [...zi.errors].sort((a, b) => a.length - b.length)[0]!;
      for (const sub of best) visit(sub, p);
      return;
    }
    if (zi.code === "unrecognized_keys") {
      for (const k of zi.keys)
        out.push({ path: [...p, k], message: `unknown key \`${k}\``, help: "remove it; docs/connectors.md lists each source's keys" });
      return;
    }
    const help = zi.message === LITERAL ? LITERAL_HELP : (zi as { params?: { help?: string } }).params?.help;
    // zod's own messages name types and options, never the input.
    out.push({ path: p, message: zi.message.replace(/^Invalid input: /, ""), ...(help ? { help } : {}) });
  };
  for (const zi of error.issues) visit(zi, []);
  return out;
}

/**
 * Resolves a reference from `env`. Throws SourceError `source-credential-missing` naming the
 * variable (never a value) when it is unset or empty.
 */
export function resolveCredential(ref: CredentialRef, env: NodeJS.ProcessEnv, source: string): string {
  if (!ref || typeof ref !== "object" || typeof ref.env !== "string" || !ENV_NAME.test(ref.env)) {
    throw new SourceError(
      "source-credential-invalid",
      `source \`${source}\`: a credential must be \`{ env: VARIABLE_NAME }\``,
      LITERAL_HELP,
    );
  }
  const v = env[ref.env];
  if (v === undefined || v === "") {
    throw new SourceError(
      "source-credential-missing",
      `source \`${source}\`: the environment variable \`${ref.env}\` that holds its credential is ${v === undefined ? "not set" : "empty"}`,
      `set \`${ref.env}\` (in CI, from a secret) before running the pull`,
    );
  }
  return v;
}

/** Redacts every occurrence of the given secrets from a text, as a last line of defence. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}
