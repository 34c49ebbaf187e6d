/**
 * Relative times for people: "in 12 days", "2 days ago". Computed from the plan's `now`, never the
 * clock, so output is reproducible.
 */

const DAY = 86_400_000;

/** How far `instant` is from `now`, in whole days: "in 3 days", "in less than a day", "3 days ago". */
export function relativeDays(now: string | number, instant: string): string {
  const n = typeof now === "number" ? now : Date.parse(now);
  const ms = Date.parse(instant) - n;
  const days = Math.floor(Math.abs(ms) / DAY);
  const unit = `${days} day${days === 1 ? "" : "s"}`;
  if (ms >= 0) return days === 0 ? "in less than a day" : `in ${unit}`;
  return days === 0 ? "less than a day ago" : `${unit} ago`;
}

/** "expires in 3 days" / "expired 3 days ago". */
export function expiresPhrase(now: string | number, instant: string): string {
  const rel = relativeDays(now, instant);
  return rel.endsWith("ago") ? `expired ${rel}` : `expires ${rel}`;
}

/** The date part of an ISO instant when it is midnight UTC, else the instant without milliseconds. */
export function shortInstant(instant: string): string {
  const iso = new Date(Date.parse(instant)).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
}
