/**
 * What the catalog connectors share: issues that name the source and the object (never a
 * credential), a request counter for the summary, SQL quoting of hostile names and the
 * deterministic order of pulled objects.
 */
import type { Platform } from "../model/schema";
import { OBJECT_TYPES } from "../model/schema";
import {
  type CatalogObject,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type PullContext,
  type PullResult,
  type SourceIssue,
  SourceError,
} from "./types";

/** Requests and pages one pull made, for the summary. */
export interface Counter {
  requests: number;
  pages: number;
}

/** An HttpClient that counts the requests it sends. */
export function countingHttp(http: HttpClient, counter: Counter): HttpClient {
  return {
    request(url: string, init: HttpRequest): Promise<HttpResponse> {
      counter.requests++;
      return http.request(url, init);
    },
  };
}

/** `DB.SCHEMA.TABLE` for messages: the path as the platform writes it. */
export const dotted = (path: readonly string[]) => path.join(".");

/** An issue of source `ctx.source` from a thrown failure (a SourceError keeps its code and help). */
export function failureIssue(ctx: Pick<PullContext, "source">, e: unknown, what: string): SourceIssue {
  if (e instanceof SourceError) {
    return {
      severity: "error",
      code: e.code,
      message: `source \`${ctx.source}\`: ${what}: ${e.message}`,
      ...(e.help ? { help: e.help } : {}),
    };
  }
  // Anything else is a bug or an unexpected answer: its message never holds a credential (none is
  // ever put in one), but a stack could; only the message is kept.
  const message = e instanceof Error ? e.message : String(e);
  return { severity: "error", code: "source-failed", message: `source \`${ctx.source}\`: ${what}: ${message}` };
}

/** An object whose platform type has no SPEC.md object type: an issue naming it, never a guess. */
export function unknownTypeIssue(ctx: Pick<PullContext, "source">, platform: Platform, path: readonly string[], type: string): SourceIssue {
  return {
    severity: "error",
    code: "unknown-table-type",
    message: `source \`${ctx.source}\`: \`${dotted(path)}\` has table type \`${type}\`, which accessplane does not know for ${platform} (known: ${OBJECT_TYPES[platform].join(", ")})`,
    help: "exclude the object from the source's scope (`exclude:`), or write its data source by hand if it is a type the platform grants like one of the known ones",
  };
}

/** A SQL string literal: single quotes doubled. */
export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** A double-quoted SQL identifier (Snowflake, Trino, Synapse with QUOTED_IDENTIFIER): quotes doubled. */
export const sqlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** A back-quoted Spark SQL identifier: back quotes doubled. */
export const sparkIdent = (s: string) => `\`${s.replace(/`/g, "``")}\``;

const locationKey = (o: CatalogObject) => Object.values(o.location).join("\u0000");

/** Objects sorted by location, so that a pull of an unchanged estate yields the same list. */
export function sortObjects(objects: CatalogObject[]): CatalogObject[] {
  return objects.sort((a, b) => {
    const ka = locationKey(a);
    const kb = locationKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** The PullResult of a catalog pull. */
export function catalogResult(objects: CatalogObject[], issues: SourceIssue[], counter: Counter, notes: string[] = []): PullResult {
  return {
    objects: sortObjects(objects),
    issues,
    stats: { requests: counter.requests, pages: counter.pages },
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** A URL without its trailing slash. */
export const trimSlash = (u: string) => u.replace(/\/+$/, "");

/** Waits `ms` milliseconds (polling of asynchronous statements). */
export const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
