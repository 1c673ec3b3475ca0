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
 * A datetime-local value ("2026-03-01T14:05" or with seconds) read as UTC, as an ISO string; undefined
 * when empty or not a time. The console takes every time in UTC, whatever the browser's zone.
 */
export function utcIsoFromLocalInput(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}${value.length === 16 ? ":00" : ""}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The datetime-local value (UTC, to the second) that shows this moment. */
export function localInputFromDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}
