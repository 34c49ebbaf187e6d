/**
 * Input shapes of the dynamic resources: zod schemas are their only definition, used by the
 * resource classes (types) and by every provider's `check` (validation), so a bad input fails at
 * preview with the property it concerns. `check` also normalises list inputs (sorted, de-duplicated)
 * so a reordering upstream never shows as a change.
 *
 * Every schema is made by a builder function (`xxxInputsSchema()`) that the provider methods call;
 * the `XxxInputsSchema` constants built from them live in input-schemas.ts, for program-side code
 * (types, tests) only.
 */
import type { z } from "zod";
import { type Dialect, assertIdentifier, SqlIdentifierError } from "../../platforms/sql/dialect";
import type { SourceTable, ViewDialect } from "../../platforms/sql/views";
import { SPARK_PRIVILEGES, sparkGrantKey } from "../../platforms/sql/spark";
import { viewDialectTraits } from "./view-dialects";
import { zod } from "./zod";

/** The view-based dialects (Trino is grant-based: trino-schemas.ts). */
export function viewDialectSchema(): z.ZodType<ViewDialect> {
  return zod().enum(["postgres", "redshift", "synapse"]);
}

/** The table (or view) a managed view reads from, three-part named. */
export function sourceTableSchema() {
  const z = zod();
  return z
    .object({ database: z.string().min(1), schema: z.string().min(1), table: z.string().min(1) })
    .strict() satisfies z.ZodType<SourceTable>;
}

// Entitlement values are stored in VARCHAR(512) columns (see views.ts).
const MAX_VALUE_LENGTH = 512;

function valueSchema() {
  return zod()
    .string()
    .min(1)
    .max(MAX_VALUE_LENGTH)
    .refine((s) => !s.includes("\u0000"), { message: "cannot contain a NUL character" });
}

/** A list of `item`, normalised: de-duplicated and sorted. */
export function sortedUnique<T extends z.ZodType<string>>(item: T) {
  return zod()
    .array(item)
    .transform((xs) => [...new Set(xs)].sort());
}

/**
 * Reports each value at `paths` (dotted, into `v`) that is not a usable identifier in `v.dialect`,
 * at its path; a null or absent value is skipped.
 */
function identifierIssues(v: { dialect: Dialect }, paths: readonly string[], ctx: z.RefinementCtx): void {
  for (const path of paths) {
    const keys = path.split(".");
    const value = keys.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), v);
    if (typeof value !== "string") continue;
    try {
      assertIdentifier(value, v.dialect);
    } catch (e) {
      if (!(e instanceof SqlIdentifierError)) throw e;
      ctx.addIssue({ code: "custom", path: keys, message: e.message });
    }
  }
}

/**
 * The inputs of a view resource: its `dialect` and `shape`, strict, each identifier at
 * `identifiers` (dotted paths) checked for the dialect.
 */
function viewInputsSchema<S extends z.ZodRawShape>(shape: S, identifiers: readonly string[]) {
  return zod()
    .object({ dialect: viewDialectSchema(), ...shape })
    .strict()
    .superRefine((v, ctx) => identifierIssues(v as { dialect: ViewDialect }, identifiers, ctx));
}

/**
 * Inputs of `ViewEntitlementStore`: the managed schema of one Redshift/Synapse database (each
 * database has its own store, reached through that database's connection). `schemaOwner` is
 * Synapse's `CREATE SCHEMA ... AUTHORIZATION` principal (ownership chaining); null elsewhere.
 */
export function viewEntitlementStoreInputsSchema() {
  const z = zod();
  return viewInputsSchema(
    { database: z.string().min(1), managedSchema: z.string().min(1), schemaOwner: z.string().min(1).nullable().default(null) },
    ["database", "managedSchema", "schemaOwner"],
  ).superRefine((v, ctx) => {
    if (v.schemaOwner !== null && !viewDialectTraits(v.dialect).ownershipChaining) {
      ctx.addIssue({
        code: "custom",
        path: ["schemaOwner"],
        message: "only synapse takes a schema owner: its views reach sources through ownership chaining",
      });
    }
  });
}

/** Inputs of `ViewEntitlementStore`. */
export type ViewEntitlementStoreInputs = z.infer<ReturnType<typeof viewEntitlementStoreInputsSchema>>;

/** Inputs of `ManagedView`: one secure view over one data source. */
export function managedViewInputsSchema() {
  const z = zod();
  return viewInputsSchema(
    { managedSchema: z.string().min(1), dataSource: valueSchema(), source: sourceTableSchema(), viewName: z.string().min(1) },
    ["managedSchema", "viewName", "source.database", "source.schema", "source.table"],
  );
}

/** Inputs of `ManagedView`. */
export type ManagedViewInputs = z.infer<ReturnType<typeof managedViewInputsSchema>>;

/** Inputs of `PolicyEntitlements`: the entitlement rows of one policy principal in one database's store. */
export function policyEntitlementsInputsSchema() {
  const z = zod();
  return viewInputsSchema(
    {
      database: z.string().min(1),
      managedSchema: z.string().min(1),
      policyKey: valueSchema(),
      members: sortedUnique(valueSchema()),
      dataSources: sortedUnique(valueSchema()),
    },
    ["database", "managedSchema"],
  );
}

/** Inputs of `PolicyEntitlements`. */
export type PolicyEntitlementsInputs = z.infer<ReturnType<typeof policyEntitlementsInputsSchema>>;

/** A Trino or Databricks name: any non-empty text without NUL (quoting handles the rest). */
export function nameSchema() {
  return zod()
    .string()
    .min(1)
    .refine((s) => !s.includes("\u0000"), { message: "cannot contain a NUL character" });
}

/**
 * Inputs of `SparkTableGrants`: one Databricks Spark policy group's grants, sorted and
 * de-duplicated. With `state`, any privilege is accepted: the state written by `read` holds what
 * the group holds live, including privileges granted by hand, which the next update revokes.
 */
export function sparkTableGrantsInputsSchema(state = false) {
  const z = zod();
  const grant = z
    .object({
      kind: z.enum(["TABLE", "VIEW", "DATABASE"]),
      catalog: nameSchema(),
      schema: nameSchema(),
      /** The table or view; null on a DATABASE grant. */
      table: nameSchema().nullable().default(null),
      privileges: z
        .array(
          z.string().refine((p) => state || SPARK_PRIVILEGES.includes(p), {
            message: "Databricks Spark is read-only for subscription policies: only SELECT, USAGE and READ_METADATA are granted",
          }),
        )
        .min(1)
        .transform((ps) => [...new Set(ps)].sort()),
    })
    .strict()
    .refine((g) => (g.kind === "DATABASE") === (g.table === null), {
      message: "a DATABASE grant has no table, and a TABLE or VIEW grant names one",
      path: ["table"],
    });
  return z
    .object({
      principal: nameSchema(),
      grants: z
        .array(grant)
        .transform((gs) => [...gs].sort((a, b) => sparkGrantKey(a).localeCompare(sparkGrantKey(b))))
        .refine((gs) => new Set(gs.map(sparkGrantKey)).size === gs.length, {
          message: "each securable appears once; merge its privileges into one entry",
        }),
    })
    .strict();
}

/** Inputs of `SparkTableGrants`. */
export type SparkTableGrantsInputs = z.infer<ReturnType<typeof sparkTableGrantsInputsSchema>>;

/** Pulumi's placeholder for a value not known until apply (`@pulumi/pulumi/runtime/rpc`). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

function withoutProvider(news: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _ignored, ...rest } = news;
  return rest;
}

/** A dynamic provider's `check` over one schema: validated, normalised inputs or precise failures. */
export function checkInputs<S extends z.ZodType>(
  schema: S,
  news: Record<string, unknown>,
): { inputs?: Record<string, unknown>; failures?: { property: string; reason: string }[] } {
  const raw = withoutProvider(news);
  // During preview some inputs are unknown placeholders; they are checked again once known.
  if (hasUnknown(raw)) return { inputs: news };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      failures: parsed.error.issues.map((i) => ({
        property: i.path.map(String).join(".") || "(inputs)",
        reason: i.message,
      })),
    };
  }
  return { inputs: { ...(parsed.data as Record<string, unknown>) } };
}

/** Parses inputs that `check` already accepted (create/update receive checked inputs). */
export function parseInputs<S extends z.ZodType>(schema: S, props: Record<string, unknown>): z.infer<S> {
  return schema.parse(withoutProvider(props));
}

/**
 * Parses the input keys out of a resource's state (read/delete receive outputs, which also carry
 * drift flags that the strict input schemas would refuse).
 */
export function parseState<S extends z.ZodType>(schema: S, props: Record<string, unknown>, keys: readonly string[]): z.infer<S> {
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (props[k] !== undefined) picked[k] = props[k];
  return schema.parse(picked);
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * A dynamic provider's `diff`: compares the input `keys` (never `__provider`), replaces only when
 * an `identity` key changed, and reports a change whenever a `drift` flag in the old state is
 * false (set by `read` when the live object no longer matches), so `pulumi up` repairs it.
 */
export function diffInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  spec: { keys: readonly string[]; identity: readonly string[]; drift?: readonly string[] },
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const changed = spec.keys.filter((k) => stable(olds[k]) !== stable(news[k]));
  const drifted = (spec.drift ?? []).filter((k) => olds[k] === false);
  const replaces = changed.filter((k) => spec.identity.includes(k));
  return { changes: changed.length > 0 || drifted.length > 0, replaces, deleteBeforeReplace: false };
}

export { UNKNOWN };
