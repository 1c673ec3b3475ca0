/**
 * The dispatcher half of `npm run bench -- webhooks`, run as a child process because the worker
 * code imports server-only modules, which resolve only under `--conditions=react-server`:
 *   node --conditions=react-server --import tsx bench/lib/webhooks.ts <appUrl> <jobs> <batch>
 * Runs dispatchOutboxBatch (activity projection only, no subscribers) until nothing is claimed and
 * prints one JSON line: { delivered, rounds, elapsedMs }.
 */
import { connectDatabase } from "../../db/client";
import { dispatchOutboxBatch } from "../../server/jobs/dispatch-outbox";
import { activityProjection } from "../../server/jobs/handlers/activity-projection";

const [appUrl, jobsText, batchText] = process.argv.slice(2);
if (!appUrl || !jobsText || !batchText) throw new Error("usage: bench/lib/webhooks.ts <appUrl> <jobs> <batch>");
const jobs = Number.parseInt(jobsText, 10);
const batch = Number.parseInt(batchText, 10);
const handle = connectDatabase(appUrl, { maxConnections: 8, statementTimeoutMs: 0, applicationName: "countersign-bench-dispatch" });
try {
  const handlers = [activityProjection()];
  const options = { workerId: `bench-dispatch-${process.pid}`, batchSize: batch, concurrency: 4, leaseMs: 60_000 };
  await handle.sql`select 1`;
  let delivered = 0;
  let rounds = 0;
  const started = performance.now();
  for (let round = 0; round < Math.ceil(jobs / batch) * 3 + 10; round += 1) {
    const result = await dispatchOutboxBatch(handle.db, handlers, options);
    rounds += 1;
    delivered += result.delivered;
    if (result.claimed === 0) break;
  }
  const elapsedMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ delivered, rounds, elapsedMs })}\n`);
} finally {
  await handle.close();
}
