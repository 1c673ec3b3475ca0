/** Times are shown in UTC with the zone named, so two staff in different places read the same thing. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function relativeAge(date: Date, now = new Date()): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

/** A span of time in one unit for people to scan: "45s", "12m", "3h", "2d". */
export function durationText(milliseconds: number): string {
  const seconds = Math.max(Math.round(milliseconds / 1000), 0);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

/**
 * What a time field accepts: the console's own way of showing a time ("2026-03-01 14:05:09 UTC",
 * so a time can be copied from any page), or ISO 8601 ("2026-03-01T14:05", with or without seconds,
 * fractions and a trailing Z). Always the 24-hour clock, always UTC: a browser's datetime-local
 * picker shows AM/PM in an en-US locale, which a console that reads everything in UTC must not.
 */
const utcInputPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z| ?UTC)?$/i;

/** What a time field says of text it cannot read as a moment. */
export const utcInputMessage = "must be a date and time in UTC on the 24-hour clock: YYYY-MM-DD HH:MM or HH:MM:SS";

/**
 * A time typed in a field (see above) read as UTC, as an ISO string; undefined when empty or not a
 * real moment. February 30th and 24:00 are refused, not rolled over as Date.parse would.
 */
export function utcIsoFromInput(value: string | null | undefined): string | undefined {
  const match = utcInputPattern.exec((value ?? "").trim());
  if (!match) return undefined;
  const [, year = "", month = "", day = "", hour = "", minute = "", second = "00", fraction = ""] = match;
  const fields = [year, month, day, hour, minute, second].map((part) => Number.parseInt(part, 10));
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0] = fields;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se, Number.parseInt(fraction.padEnd(3, "0"), 10)));
  const readBack = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  return readBack.every((part, index) => part === fields[index]) ? date.toISOString() : undefined;
}

/** How a time field shows this moment: the console's format, to the second, without the zone. */
export function inputFromDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}
