/**
 * The S3 Access Grants prerequisites an estate's configuration must state before any S3 grant can
 * be planned: the account of the instance, the identity store of directory groups, locations whose
 * scopes hold every S3 data source, and (when accessplane creates the instance) the Identity Center
 * association and each location's IAM role.
 */
import type { Issue, IssueCode } from "./issues";
import type { Config, DataSource, DataSourceOf, Inventory } from "./schema";
import { folderPrefix, s3DataSourceUri, s3Grant, s3Locations, validLocationScope } from "./s3-locations";

/** Where an issue is: file, line and dotted path, when known. */
export type Where = Pick<Issue, "file" | "line" | "path">;

/** Locates configuration keys and data-source fields for the issues below. */
export interface S3Origins {
  config(sub: (string | number)[]): Where;
  item(ds: DataSource, sub: (string | number)[]): Where;
}

/** S3 bucket naming: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const isS3 = (d: DataSource): d is DataSourceOf<"s3"> => d.platform === "s3";

/** Checks the S3 configuration against the inventory's S3 data sources; pure. */
export function validateS3(config: Config, inventory: Inventory, at: S3Origins): Issue[] {
  const out: Issue[] = [];
  const s3 = config.s3;
  const err = (code: IssueCode, message: string, where: Where, help: string): void => {
    out.push({ severity: "error", code, message, ...where, help });
  };

  // Locations are checked even without S3 data sources: a bad scope is wrong wherever it is used.
  const ids = new Set<string>();
  const scopes = new Set<string>();
  s3.locations.forEach((l, i) => {
    if (!validLocationScope(l.scope)) {
      err(
        "s3-location-scope-invalid",
        `location \`${l.id}\` has scope \`${l.scope}\`, which is not \`s3://\`, a bucket or a prefix ending in \`/\``,
        at.config(["s3", "locations", i, "scope"]),
        "write the scope as S3 Access Grants appends sub-prefixes to it: `s3://`, `s3://acme-landing/` or `s3://acme-landing/sales/`, without `*`",
      );
    }
    if (ids.has(l.id) || scopes.has(l.scope)) {
      err(
        "s3-location-duplicate",
        `location \`${l.id}\` (\`${l.scope}\`) repeats the id or scope of an earlier location`,
        at.config(["s3", "locations", i]),
        "list each registered location once: one id and one scope per location",
      );
    }
    ids.add(l.id);
    scopes.add(l.scope);
    if (s3.manageInstance && !l.iamRoleArn) {
      err(
        "s3-location-role-missing",
        `location \`${l.id}\` has no \`iamRoleArn\`, but \`s3.manageInstance\` registers it`,
        at.config(["s3", "locations", i]),
        "set `iamRoleArn` to the role S3 Access Grants assumes for the location (its trust policy: docs/platforms/s3.md), or register the location yourself and set `manageInstance: false`",
      );
    }
  });
  if (s3.locations.length > 0 && s3.accessGrantsLocationId !== undefined) {
    err(
      "s3-location-conflict",
      "both `s3.accessGrantsLocationId` and `s3.locations` are set",
      at.config(["s3", "accessGrantsLocationId"]),
      'keep `s3.locations` and list the default location there as `{ id: default, scope: "s3://" }` if grants use it',
    );
  }

  const sources = inventory.dataSources.filter(isS3);
  if (sources.length === 0) return out;
  const first = `\`${sources[0]!.id}\`${sources.length > 1 ? ` and ${sources.length - 1} more` : ""}`;

  if (s3.accountId === undefined) {
    err(
      "s3-account-missing",
      `\`s3.accountId\` is not set, but S3 data sources (${first}) need it`,
      at.config(["s3", "accountId"]),
      'set `s3.accountId` to the 12-digit AWS account of the S3 Access Grants instance, e.g. `accountId: "123456789012"`',
    );
  }
  const mode = (d: DataSourceOf<"s3">) => d.principalMode ?? s3.principalMode;
  const directory = sources.filter((d) => mode(d) === "identity-center");
  if (directory.length > 0 && s3.identityCenterGrantee === "group" && s3.identityStoreId === undefined) {
    err(
      "s3-identity-store-missing",
      `\`s3.identityStoreId\` is not set, but identity-center data sources (\`${directory[0]!.id}\`${directory.length > 1 ? ", …" : ""}) get a directory group per policy`,
      at.config(["s3", "identityStoreId"]),
      "set `s3.identityStoreId` to the identity store of the Identity Center instance (`d-` and ten hex digits), or grant to each directory user with `identityCenterGrantee: user`",
    );
  }
  if (directory.length > 0 && s3.manageInstance && s3.identityCenterArn === undefined) {
    err(
      "s3-identity-center-missing",
      "`s3.identityCenterArn` is not set, but `s3.manageInstance` creates the Access Grants instance and directory users and groups can be grantees only when it is associated with Identity Center",
      at.config(["s3", "identityCenterArn"]),
      "set `s3.identityCenterArn` to the Identity Center instance ARN (`arn:aws:sso:::instance/ssoins-…`)",
    );
  }
  if (s3.manageInstance && s3.locations.length === 0) {
    err(
      "s3-location-role-missing",
      "`s3.manageInstance` registers the default location `s3://`, but no `iamRoleArn` is configured for it",
      at.config(["s3", "locations"]),
      'list it with its role: `locations: [{ id: default, scope: "s3://", iamRoleArn: "arn:aws:iam::123456789012:role/access-grants-location" }]`',
    );
  }

  const locations = s3Locations(config);
  // Invalid scopes are reported above and hold nothing: name only the usable ones here.
  const usable = locations.filter((l) => validLocationScope(l.scope)).map((l) => `\`${l.scope}\``);
  for (const d of sources) {
    const { prefix, object, bucket } = d.location;
    const key = d.objectType === "PREFIX" ? "prefix" : d.objectType === "OBJECT" ? "object" : "bucket";
    const value = d.objectType === "PREFIX" ? prefix : d.objectType === "OBJECT" ? object : bucket;
    // A bucket name outside S3's rules (a `/`, a `*`, upper case) would put the grant somewhere else.
    if (!BUCKET.test(bucket)) {
      err(
        "s3-bucket-invalid",
        `\`${d.id}\` names bucket \`${bucket}\`, which is not an S3 bucket name`,
        at.item(d, ["location", "bucket"]),
        "S3 bucket names are 3 to 63 lower-case letters, digits, dots and hyphens; put folders under `prefix`, e.g. `{ bucket: acme-landing, prefix: sales/ }`",
      );
      continue;
    }
    if (d.objectType !== "BUCKET" && value?.includes("*")) {
      err(
        "s3-wildcard-in-location",
        `\`${d.id}\` has \`*\` in its ${key} \`${value}\`, which S3 Access Grants reads as a wildcard`,
        at.item(d, ["location", key]),
        "name the prefix or object exactly; to cover several prefixes, add a data source per prefix or use their common parent prefix",
      );
      continue;
    }
    if (d.objectType === "PREFIX" && prefix && !prefix.endsWith("/")) {
      out.push({
        severity: "warning",
        code: "s3-prefix-normalised",
        message: `prefix \`${prefix}\` of \`${d.id}\` is granted as the folder \`${folderPrefix(prefix)}\`, so keys such as \`${prefix}-archive/…\` stay outside it`,
        ...at.item(d, ["location", "prefix"]),
        help: `write \`prefix: ${folderPrefix(prefix)}\` to say so; \`${prefix}\` without the slash would match every key that starts with \`${prefix}\`, which accessplane never grants`,
      });
    }
    const uri = s3DataSourceUri(d);
    if (uri && !s3Grant(d, locations)) {
      err(
        "s3-outside-locations",
        `\`${d.id}\` (\`${uri.uri}\`) lies outside every S3 Access Grants location (${usable.join(", ") || "none is valid"})`,
        at.item(d, ["location"]),
        'register a location whose scope holds it and list it under `s3.locations` (`{ id, scope: "s3://bucket/" }`), or fix the data source\'s bucket or prefix',
      );
    }
  }
  return out;
}
