/**
 * Child process of db/connection-loss.integration.test.ts: a transaction whose backend is killed
 * goes on sending (here a ROLLBACK, as a transaction's own clean-up does) after its one-connection
 * pool has reconnected and begun a second transaction. Unpatched postgres.js 3.4.9 sent it on the
 * reconnected connection: it rolled back the second transaction's first insert, and the rest of
 * that transaction ran in autocommit. It prints one JSON line.
 */
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { connectDatabase } from "../../db/client";

const [ownerUrl] = process.argv.slice(2);
if (!ownerUrl) throw new Error("usage: stale-transaction.mts <owner url>");

/** The driver's error code, through drizzle's "Failed query" wrapper. */
function code(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error && "code" in cause ? String(cause.code) : String(cause);
}
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const handle = connectDatabase(ownerUrl, { maxConnections: 1, applicationName: "stale-transaction" });
const killer = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
try {
  await handle.db.execute(sql`create table stale_probe (n int not null)`);
  let pid: number | null = null;
  let release = () => undefined as void;
  const secondBegun = new Promise<void>((resolve) => (release = resolve));
  let stale = "not sent";
  const first = handle.db.transaction(async (tx) => {
    const [row] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    pid = Number(row?.pid);
    await tx.execute(sql`select pg_sleep(3)`).catch(() => undefined);
    await secondBegun;
    stale = await tx.execute(sql`rollback`).then(() => "executed", code);
  });
  const firstOutcome = first.then(() => "committed", code);
  while (pid === null) await delay(20);
  await killer`select pg_terminate_backend(${pid})`;
  const firstResult = await firstOutcome;
  const second = await handle.db
    .transaction(async (tx) => {
      await tx.execute(sql`insert into stale_probe values (1)`);
      release();
      await delay(300);
      await tx.execute(sql`insert into stale_probe values (2)`);
    })
    .then(() => "committed", code);
  const [rows] = await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from stale_probe`);
  process.stdout.write(`${JSON.stringify({ first: firstResult, stale, second, rows: rows?.n })}\n`);
} finally {
  await handle.db.execute(sql`drop table if exists stale_probe`).catch(() => undefined);
  await handle.close();
  await killer.end({ timeout: 2 });
}
