/**
 * Where an S3 data source's grant lands in S3 Access Grants. A grant names a registered location and
 * a sub-prefix; "the grant scope ... is the result of appending the Subprefix field to the scope of
 * the registered location", and a trailing `*` includes "all object key names ... that start with
 * that prefix" (Amazon S3 API reference, AccessGrantsLocationConfiguration:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_AccessGrantsLocationConfiguration.html).
 * So the sub-prefix is computed relative to the location that holds the data source, and a prefix is
 * always scoped as a folder: `partner-feeds*` would also match `partner-feeds-archive/…`.
 */
import type { Config, DataSourceOf, S3Location } from "./schema";

/** The default location: every bucket of the instance's Region. */
export const DEFAULT_LOCATION_SCOPE = "s3://";

/** The locations grants may use: `s3.locations`, else the default location `s3://` under `accessGrantsLocationId` (AWS names it `default`). */
export function s3Locations(config: Config): S3Location[] {
  if (config.s3.locations.length > 0) return config.s3.locations;
  return [{ id: config.s3.accessGrantsLocationId ?? "default", scope: DEFAULT_LOCATION_SCOPE }];
}

/** A prefix as the folder it names: `partner-feeds` becomes `partner-feeds/`. */
export function folderPrefix(prefix: string): string {
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}

/** The S3 URI a data source covers (`s3://bucket/`, `s3://bucket/prefix/`, or `s3://bucket/key` for one object); undefined when its key is missing. */
export function s3DataSourceUri(ds: DataSourceOf<"s3">): { uri: string; object: boolean } | undefined {
  const { bucket, prefix, object } = ds.location;
  if (ds.objectType === "OBJECT") return object ? { uri: `s3://${bucket}/${object}`, object: true } : undefined;
  if (ds.objectType === "PREFIX") return prefix ? { uri: `s3://${bucket}/${folderPrefix(prefix)}`, object: false } : undefined;
  return { uri: `s3://${bucket}/`, object: false };
}

/** `s3://`, `s3://bucket/` or `s3://bucket/prefix/`: a folder (the sub-prefix is appended as it stands) and no `*` (a wildcard there would widen every grant). */
const SCOPE = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^*]+\/)?)?$/;

/** True when `scope` can hold grants as this module computes them. */
export function validLocationScope(scope: string): boolean {
  return SCOPE.test(scope);
}

/** Where one data source's grant lands. */
export interface S3GrantScope {
  location: S3Location;
  /** Appended to the location's scope: relative to it, ending in `*` except for a single object. */
  s3SubPrefix: string;
  /** A single-object grant (`s3PrefixType: Object`): the scope is the key itself, no wildcard. */
  object: boolean;
  /** The location's scope and the sub-prefix: what S3 Access Grants matches keys against. */
  grantScope: string;
}

/**
 * The grant of a data source: the location whose scope holds it (the longest, so a more specific
 * location and its role win) and the sub-prefix below that scope; undefined when no location holds
 * it or its key is missing.
 */
export function s3Grant(ds: DataSourceOf<"s3">, locations: readonly S3Location[]): S3GrantScope | undefined {
  const target = s3DataSourceUri(ds);
  if (!target) return undefined;
  let best: S3Location | undefined;
  for (const l of locations) {
    if (!validLocationScope(l.scope) || !target.uri.startsWith(l.scope)) continue;
    // A single object needs a non-empty key below the scope; a folder may equal the scope (sub-prefix `*`).
    if (target.object && target.uri.length === l.scope.length) continue;
    if (!best || l.scope.length > best.scope.length) best = l;
  }
  if (!best) return undefined;
  const s3SubPrefix = target.uri.slice(best.scope.length) + (target.object ? "" : "*");
  return { location: best, s3SubPrefix, object: target.object, grantScope: best.scope + s3SubPrefix };
}
