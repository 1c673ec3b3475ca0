import { and, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** A keyset cursor on (timestamp, id): the timestamp as UTC ISO text at full microsecond precision. */
export interface TimeIdCursor {
  at: string;
  id: string;
}

/**
 * A timestamp column as a cursor carries it. A JS Date keeps milliseconds only, and PostgreSQL
 * stores microseconds: a cursor rounded to the millisecond would skip or repeat rows that share it.
 */
export function cursorTimestamp(column: AnyPgColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The rows after `cursor` in a list ordered by (at, id), newest first ("desc") or oldest first ("asc"). */
export function afterCursor(at: AnyPgColumn, id: AnyPgColumn, cursor: TimeIdCursor, order: "asc" | "desc"): SQL {
  const value = sql`${cursor.at}::timestamptz`;
  const beyond = order === "desc" ? lt : gt;
  return or(beyond(at, value), and(eq(at, value), beyond(id, cursor.id))) as SQL;
}
