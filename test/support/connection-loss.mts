/**
 * Child process of db/connection-loss.integration.test.ts: the way the app itself uses the
 * database (connectDatabase, a drizzle transaction), with the transaction's backend terminated
 * while a statement is in flight. It prints one JSON line and exits 0 only if nothing escaped as an
 * uncaught exception or unhandled rejection; a crash exits non-zero with the error on stderr.
 */
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { connectDatabase } from "../../db/client";

const [appUrl, ownerUrl] = process.argv.slice(2);
if (!appUrl || !ownerUrl) throw new Error("usage: connection-loss.mts <app url> <owner url>");

const handle = connectDatabase(appUrl, { maxConnections: 1, applicationName: "connection-loss" });
const owner = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
try {
  let pid: number | null = null;
  const transaction = handle.db.transaction(async (tx) => {
    const [row] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    pid = Number(row?.pid);
    await tx.execute(sql`select pg_sleep(3)`);
  });
  const outcome = transaction.then(
    () => "committed",
    (error: unknown) => (error instanceof Error && "code" in error ? String(error.code) : String(error)),
  );
  while (pid === null) await new Promise((resolve) => setTimeout(resolve, 20));
  await owner`select pg_terminate_backend(${pid})`;
  const transactionOutcome = await outcome;
  // Give any deferred write (setImmediate) the chance to fire on the closed socket.
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The same one-connection pool must reconnect and answer, not fail with a stale error or hang.
  const after = await Promise.race([
    handle.db.execute<{ one: number }>(sql`select 1 as one`).then((rows) => `answered ${String(rows[0]?.one)}`),
    new Promise<string>((resolve) => setTimeout(() => resolve("hung"), 5_000)),
  ]);
  process.stdout.write(`${JSON.stringify({ transaction: transactionOutcome, after })}\n`);
} finally {
  await handle.close();
  await owner.end({ timeout: 2 });
}
