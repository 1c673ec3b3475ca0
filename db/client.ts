import { sql as drizzleSql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
/**
 * Drizzle is created without the schema: nothing uses its relational API (`db.query.*`), and with a
 * schema every transaction and savepoint builds a relational query builder for each of the ~40
 * tables, which showed in profiles of the posting path. Queries name their tables explicitly.
 */
export type Database = PostgresJsDatabase & { $client: postgres.Sql };
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the pool or an open transaction: read paths accept both. */
export type Executor = Database | Transaction;

const casing = "snake_case";
const dialect = new PgDialect({ casing });

/**
 * Runs raw SQL as a prepared statement, kept per connection by postgres.js. Drizzle sends its
 * queries unnamed, and postgres.js then spends a round trip describing the parameters before it
 * can bind them, and PostgreSQL parses and plans the text every time: for the statements on the
 * hot paths (posting, transaction detail, statement page) that doubles the latency. Use it for
 * queries of a fixed shape; each distinct text is one statement per connection.
 */
export function executePrepared<Row>(db: Executor, query: SQL): Promise<Row[]> {
  return db._.session.prepareQuery<{ execute: Row[]; all: Row[]; values: unknown[][] }>(dialect.sqlToQuery(query), undefined, "prepared", false).execute();
}

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close: () => Promise<void>;
}

export interface ConnectOptions {
  maxConnections?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

export function connectDatabase(url: string, options: ConnectOptions = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: options.maxConnections ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: {
      application_name: options.applicationName ?? "countersign",
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      TimeZone: "UTC",
    },
  });
  const db = drizzle({ client: sql, casing });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/**
 * A batch size written into a prepared statement's text, not sent as a parameter: with `LIMIT $1`
 * PostgreSQL's generic plan guesses a tenth of the table and may trade the ordered index scan of a
 * claim for a sequential scan and a hash join. One text per batch size, so one plan per size.
 */
export function batchLimit(size: number): SQL {
  if (!Number.isInteger(size) || size < 1 || size > 10_000) throw new Error(`a batch size is an integer from 1 to 10,000, not ${size}`);
  return drizzleSql.raw(String(size));
}
