/**
 * The stewardship shapes: domains and their stewards, how data sources are placed in domains, the
 * governance team, pending requests, approval lifetimes and GitHub identities. Re-exported from
 * schema.ts.
 */
import { z } from "zod";
import { Instant, Name, Platform } from "./schema-common";

/** Users and groups, by id. */
export const Principals = z.strictObject({
  users: z.array(Name).default([]),
  groups: z.array(Name).default([]),
});

/** A domain: a part of the estate whose stewards approve access to its data sources. */
export const Domain = z.strictObject({
  id: Name,
  description: z.string().default(""),
  stewards: Principals,
});
/** A domain. */
export type Domain = z.infer<typeof Domain>;

/**
 * A rule that places data sources in a domain by where they live: every location key given must
 * equal the data source's (a Snowflake `database`, a Unity Catalog `catalog`, a BigQuery `project`,
 * an S3 `bucket`...). The first matching rule wins; a data source's own `domain` wins over rules.
 */
export const DomainRule = z.strictObject({
  domain: Name,
  platform: Platform.optional(),
  database: Name.optional(),
  catalog: Name.optional(),
  schema: Name.optional(),
  project: Name.optional(),
  dataset: Name.optional(),
  bucket: Name.optional(),
});
/** A domain rule. */
export type DomainRule = z.infer<typeof DomainRule>;

/** Who owns what: the governance team (global policies and the project file) and the domain rules. */
export const Stewardship = z.strictObject({
  governance: Principals.optional(),
  domainRules: z.array(DomainRule).default([]),
});

/** An ISO 8601 duration of weeks, days and time (`P90D`, `P2W`, `PT12H`, `P1DT12H`); years and months are refused (their length varies). */
export const DURATION_PATTERN = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** The longest an approval may last, from `approvedAt` to `expiresAt`. */
export const MaxDuration = z
  .string()
  .regex(DURATION_PATTERN, { message: "must be an ISO 8601 duration in weeks, days and time, such as `P90D`, `P2W` or `PT12H`" });

/** A pending request for access: it grants nothing until an approver turns it into an approval. */
export const AccessRequest = z.strictObject({
  user: Name,
  requestedAt: Instant,
  /** The instant the requester wants access to end. */
  until: Instant.optional(),
  reason: z.string().optional(),
});
/** A pending request. */
export type AccessRequest = z.infer<typeof AccessRequest>;

/** A GitHub login (https://docs.github.com/en/site-policy/other-site-policies/github-username-policy). */
export const GithubLogin = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, {
  message: "must be a GitHub login such as `fay-lee` (letters, digits and single hyphens)",
});

/** A GitHub team as CODEOWNERS names it: `@org/team`. */
export const GithubTeam = z.string().regex(/^@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
  message: "must be a GitHub team such as `@example-org/finance-stewards`",
});
