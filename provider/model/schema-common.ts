/**
 * The shapes every input shares: platforms, access types, object types, names and instants.
 * schema.ts re-exports them with the rest of the input shapes.
 */
import { z } from "zod";

/** Every platform accessplane expands policies into. */
export const PLATFORMS = [
  "snowflake",
  "databricks-unity-catalog",
  "databricks-spark",
  "trino",
  "redshift",
  "synapse",
  "bigquery",
  "s3",
] as const;
/**
 * The stack families of sharded deployments: each platform, except that both Databricks platforms
 * are one (`databricks`), since a cohort's account group serves both.
 */
export const STACK_FAMILIES = ["snowflake", "databricks", "trino", "redshift", "synapse", "bigquery", "s3"] as const;
/** A platform id, as used in inventory files and plans. */
export const Platform = z.enum(PLATFORMS);
/** A platform id. */
export type Platform = z.infer<typeof Platform>;

/** `read` reads data; `write` modifies existing data and includes read where the platform grants write. */
export const AccessType = z.enum(["read", "write"]);
/** An access type. */
export type AccessType = z.infer<typeof AccessType>;

/** Object types per platform, named as the platform's `information_schema.tables.table_type`. */
export const OBJECT_TYPES = {
  snowflake: ["BASE TABLE", "VIEW", "MATERIALIZED VIEW", "EXTERNAL TABLE", "EVENT TABLE", "ICEBERG TABLE", "DYNAMIC TABLE"],
  "databricks-unity-catalog": ["MANAGED", "VIEW", "MATERIALIZED_VIEW", "STREAMING_TABLE", "EXTERNAL", "FOREIGN"],
  "databricks-spark": ["TABLE", "VIEW"],
  trino: ["BASE TABLE", "VIEW", "MATERIALIZED VIEW"],
  redshift: ["BASE TABLE", "VIEW", "EXTERNAL TABLE"],
  synapse: ["BASE TABLE", "VIEW"],
  bigquery: ["BASE TABLE", "VIEW", "MATERIALIZED VIEW", "EXTERNAL"],
  s3: ["BUCKET", "PREFIX", "OBJECT"],
} as const satisfies Record<Platform, readonly string[]>;

/** The object types of one platform. */
export type ObjectTypeOf<P extends Platform> = (typeof OBJECT_TYPES)[P][number];

/** A name that identifies something in the estate (user, group, policy, data source, tag). */
export const Name = z.string().min(1, { message: "must not be empty" }).max(256, { message: "must be at most 256 characters" });

/** An ISO 8601 instant with a time zone: `2026-01-31T12:00:00Z` or `2026-01-31T12:00:00+01:00`. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant: date, time and time zone. A date alone is refused rather than read as a day's start
 * (UTC): `expiresAt: 2027-03-31` meant as "until the end of March" would end access a day early.
 */
export const Instant = z.string().check((ctx) => {
  const problem = instantProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem.message, params: { help: problem.help } });
});

/** What is wrong with an instant's text, with how to write it, or undefined when it is valid. */
export function instantProblem(s: string): { message: string; help: string } | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (date && !isCalendarDate(s)) {
    const days = new Date(Date.UTC(Number(date[1]), Number(date[2]), 0)).getUTCDate();
    const help = Number(date[2]) >= 1 && Number(date[2]) <= 12 ? `\`${s.slice(0, 7)}\` has ${days} days` : "months run from `01` to `12`";
    return { message: "is not a real calendar date", help };
  }
  if (INSTANT_PATTERN.test(s))
    return Number.isNaN(Date.parse(s))
      ? { message: "is not a real time of day", help: "write hours 00-23 and minutes 00-59, e.g. `2026-01-31T23:59:00Z`" }
      : undefined;
  if (date && s.length === 10) {
    const next = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]) + 1)).toISOString().slice(0, 10);
    return {
      message: "is a date without a time and time zone",
      help: `write the instant you mean: \`${s}T00:00:00Z\` is the start of that day (UTC), \`${next}T00:00:00Z\` its end; as an expiry, the first ends access as the day begins, the second keeps it through \`${s}\``,
    };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(s))
    return { message: "has no time zone", help: `add \`Z\` for UTC or an offset such as \`+02:00\`: \`${s}Z\`` };
  return {
    message: "must be an ISO 8601 instant with a time zone, such as `2026-01-31T12:00:00Z`",
    help: "write the date, the time and `Z` (UTC) or an offset such as `+02:00`",
  };
}

/** True when the date part names a day that exists (Date.parse silently rolls 2026-02-30 over). */
function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
