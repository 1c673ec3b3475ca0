/**
 * npm run bench -- webhooks [--senders 16] [--accept-seconds 10] [--rate 200] [--steady-seconds 20] [--jobs 20000] [--batch 50]
 *                            [--parts accept,latency,dispatch]
 *
 * 1. Accepted webhooks per second: signed payment.succeeded / bet.placed events POSTed to the real
 *    route (/api/webhooks/[provider]) of the production web server by N concurrent senders.
 * 2. Ingest-to-posted latency at a steady rate with a real worker process running: the ledger
 *    transaction's booked_at minus the inbox row's received_at, p50/p95 over every event sent.
 * 3. Dispatcher jobs per second (claim + deliver to the projection, no subscribers) next to a bare
 *    `select ... for update skip locked` claim loop on the same database in the same run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import { uuidv7 } from "uuidv7";
import { ensureProductionBuild } from "../scripts/lib/build";
import { seedLedger } from "../server/demo/seed-ledger";
import { generateSecret, webhookHeaders } from "../server/ingest/signature";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import { summarizeLatencies } from "./lib/stats";
import { formatCount, formatMs, formatPercent, formatSeconds, printTable } from "./lib/table";
import { perSecond } from "./lib/timing";

const allParts = ["accept", "latency", "dispatch"] as const;
const { values } = parseArgs({
  allowPositionals: true,
  options: {
    senders: { type: "string", default: "16" },
    "accept-seconds": { type: "string", default: "10" },
    rate: { type: "string", default: "200" },
    "steady-seconds": { type: "string", default: "20" },
    jobs: { type: "string", default: "20000" },
    batch: { type: "string", default: "50" },
    parts: { type: "string", default: allParts.join(",") },
  },
});
/**
 * While iterating on one part, the others can be left out: `--parts dispatch` measures the
 * dispatcher alone, with no build, web server or worker; its events are then cloned from
 * ledger.transaction_posted payloads built from the seeded ledger instead of those phase 2 wrote.
 */
const parts = new Set(values.parts.split(",").map((part) => part.trim()));
const unknownParts = [...parts].filter((part) => !(allParts as readonly string[]).includes(part));
if (unknownParts.length > 0) throw new Error(`unknown --parts ${unknownParts.join(", ")}; choose from ${allParts.join(", ")}`);
const senders = Number.parseInt(values.senders, 10);
const acceptSeconds = Number.parseInt(values["accept-seconds"], 10);
const rate = Number.parseInt(values.rate, 10);
const steadySeconds = Number.parseInt(values["steady-seconds"], 10);
const jobs = Number.parseInt(values.jobs, 10);
const batch = Number.parseInt(values.batch, 10);

const secret = generateSecret();
const paymentProvider = "acmepay";
const gameProvider = "spinworks";
const runTag = uuidv7().slice(-8);
const children: ChildProcess[] = [];

interface Customer {
  externalRef: string;
}

const bench = await openBenchDatabase({ appMaxConnections: 8, appStatementTimeoutMs: 0 });
console.log(`webhooks benchmark on ${bench.source} (PostgreSQL ${bench.serverVersion}), ${new Date().toISOString()}`);
try {
  const seeded = await seedLedger(bench.app, { customers: 5000, transactions: 20_000, seed: 2026, log: () => undefined });
  console.log(`seeded ${formatCount(seeded.customers)} customers, ${formatCount(seeded.transactions)} transactions in ${(seeded.elapsedMs / 1000).toFixed(1)} s`);
  const customers: Customer[] = (
    await bench.owner`select c.external_ref from customers c join accounts a on a.customer_id = c.id and a.purpose = 'wallet' and a.currency = 'EUR' order by c.external_ref`
  ).map((row) => ({ externalRef: String(row.external_ref) }));
  if (customers.length < 1000) throw new Error(`only ${customers.length} EUR customers were seeded`);
  await bench.owner`vacuum analyze`;

  if (parts.has("accept") || parts.has("latency")) await throughTheWebServer(customers);
  if (parts.has("dispatch")) await dispatcherVersusSkipLocked(bench, env());
} finally {
  await Promise.all(children.map(stopChild));
  await bench.close();
}

/** The environment of the web server and worker children. */
function env(port = 0): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    APP_DATABASE_URL: bench.appUrl,
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret",
    WEBHOOK_SECRETS: JSON.stringify({ [paymentProvider]: secret, [gameProvider]: secret }),
    LOG_LEVEL: "warn",
  };
}

async function throughTheWebServer(customers: Customer[]): Promise<void> {
  if (!ensureProductionBuild({ env: process.env, log: () => undefined })) throw new Error("next build failed");
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const web = spawn(process.execPath, ["--import", "tsx", "server/http/serve.mts"], { env: { ...env(port), PORT: String(port) }, stdio: ["ignore", "ignore", "inherit"] });
  children.push(web);
  await waitForHealth(base);

  if (parts.has("accept")) await acceptedPerSecond(base, customers);
  if (parts.has("latency")) await ingestToPosted(bench, base, customers, env(port));
}

async function waitForHealth(base: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const ok = await fetch(`${base}/api/health`).then((response) => response.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error("the web server did not become healthy in 30 s");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGTERM, then SIGKILL after 20 s if the child has not exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

function body(type: "payment.succeeded" | "bet.placed", customer: Customer, id: string, amount: string): string {
  const occurredAt = new Date().toISOString();
  const data =
    type === "payment.succeeded"
      ? { paymentId: id, customerRef: customer.externalRef, amount, currency: "EUR", method: "card", occurredAt }
      : { betId: id, customerRef: customer.externalRef, amount, currency: "EUR", game: "starburst", occurredAt };
  return JSON.stringify({ type, timestamp: occurredAt, data });
}

/** POSTs one signed event; resolves to the HTTP status. */
async function send(base: string, type: "payment.succeeded" | "bet.placed", customer: Customer, id: string, amount: string): Promise<number> {
  const text = body(type, customer, id, amount);
  const provider = type === "payment.succeeded" ? paymentProvider : gameProvider;
  const response = await fetch(`${base}/api/webhooks/${provider}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...webhookHeaders([secret], `evt_${id}`, text) },
    body: text,
  });
  await response.arrayBuffer();
  return response.status;
}

async function acceptedPerSecond(base: string, customers: Customer[]): Promise<void> {
  // Warm the route (first requests compile and open pools).
  for (let index = 0; index < 20; index += 1) await send(base, "payment.succeeded", customers[index] as Customer, `warm_${runTag}_${index}`, "10.00");
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let sequence = 0;
  const started = performance.now();
  const deadline = started + acceptSeconds * 1000;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (performance.now() < deadline) {
        sequence += 1;
        const index = sequence;
        const customer = customers[index % customers.length] as Customer;
        const begin = performance.now();
        const status = await send(base, index % 2 === 0 ? "payment.succeeded" : "bet.placed", customer, `load_${runTag}_${index}`, index % 2 === 0 ? "25.00" : "1.00");
        latencies.push(performance.now() - begin);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const accepted = statuses.get(200) ?? 0;
  const summary = summarizeLatencies(latencies);
  const other = [...statuses.entries()].filter(([status]) => status !== 200).map(([status, count]) => `${count} x ${status}`);
  printTable(
    `1. Accepted webhooks over HTTP (POST /api/webhooks/[provider], production server, ${senders} concurrent senders, ${formatSeconds(elapsed)})`,
    [{ header: "requests", align: "right" }, { header: "accepted (200)", align: "right" }, { header: "accepted/s", align: "right" }, { header: "p50", align: "right" }, { header: "p95", align: "right" }, { header: "p99", align: "right" }, { header: "other statuses" }],
    [[formatCount(latencies.length), formatCount(accepted), formatCount(perSecond(accepted, elapsed)), formatMs(summary.p50Ms), formatMs(summary.p95Ms), formatMs(summary.p99Ms), other.join(", ") || "none"]],
  );
  // The worker is not running yet: park this load's events so that phase 2 measures only its own.
  const parked = await bench.owner`update webhook_inbox set available_at = now() + interval '1 day' where status = 'pending'`;
  console.log(`(the ${formatCount(parked.count)} events of this phase are left pending and parked a day ahead, so the worker of phase 2 does not process them)`);
}

async function ingestToPosted(bench: BenchDatabase, base: string, customers: Customer[], env: NodeJS.ProcessEnv): Promise<void> {
  const worker = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "server/jobs/worker.mts"], {
    env: { ...env, COUNTERSIGN_PROCESS: "worker" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(worker);
  // Wait until the worker has started its loops (it LISTENs on the inbox channel) and finished the
  // first round of its scheduled work (monitor checks, reconciliation runs, audit verification),
  // which it runs at start-up: the measure is of a steady state, not of a worker starting. Those
  // rounds recur (monitors every MONITOR_INTERVAL_SECONDS, 60 by default) and a window that
  // includes one shows it; the output prints the latency per 5-second window for that reason.
  const workerStarted = new Date();
  const settleStarted = performance.now();
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const [row] = await bench.owner`
      select (select count(*) from pg_stat_activity where datname = current_database() and query ilike '%listen%countersign_inbox%') > 0
         and exists (select 1 from monitor_readings where checked_at >= ${workerStarted})
         and exists (select 1 from recon_runs where trigger = 'schedule' and finished_at >= ${workerStarted})
         and exists (select 1 from audit_verifications where finished_at >= ${workerStarted}) as settled`;
    if (row?.settled === true) break;
    await sleep(200);
  }
  await sleep(1000);
  console.log(`(the worker's start-up round of scheduled work finished ${formatSeconds(performance.now() - settleStarted)} after it was started; the steady load begins 1 s later)`);

  // Customers deposit first, then bet: event k goes to customer k mod C; round 0 is a deposit.
  const eventCount = rate * steadySeconds;
  const poolSize = Math.min(customers.length, Math.max(200, Math.floor(eventCount / 4)));
  const pool = customers.slice(0, poolSize);
  const intervalMs = 1000 / rate;
  const failures = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let late = 0;
  for (let index = 0; index < eventCount; index += 1) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else if (wait < -50) late += 1;
    const customer = pool[index % pool.length] as Customer;
    const deposit = index < pool.length;
    const request = send(base, deposit ? "payment.succeeded" : "bet.placed", customer, `steady_${runTag}_${index}`, deposit ? "100.00" : "1.00")
      .then(
        (status) => {
          if (status !== 200) failures.set(String(status), (failures.get(String(status)) ?? 0) + 1);
        },
        (error: unknown) => {
          failures.set(String(error), (failures.get(String(error)) ?? 0) + 1);
        },
      )
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  const sendElapsed = performance.now() - started;

  // Wait (bounded) until the worker has finished every event of the window.
  const pattern = `evt_steady_${runTag}_%`;
  let pending = eventCount;
  for (let attempt = 0; attempt < 300 && pending > 0; attempt += 1) {
    const [row] = await bench.owner`select count(*)::int as n from webhook_inbox where event_id like ${pattern} and status = 'pending'`;
    pending = Number(row?.n);
    if (pending > 0) await sleep(100);
  }
  const rows = await bench.owner`
    select i.status, i.outcome, extract(epoch from (t.booked_at - i.received_at)) * 1000 as ms,
           floor(extract(epoch from (i.received_at - min(i.received_at) over ())) / 5)::int as window
      from webhook_inbox i left join ledger_transactions t on t.id = i.ledger_transaction_id
     where i.event_id like ${pattern}`;
  const latencies = rows.filter((row) => row.ms !== null).map((row) => Number(row.ms));
  const notPosted = rows.length - latencies.length;
  const summary = summarizeLatencies(latencies);
  const met = summary.p95Ms < 250 && notPosted === 0 && pending === 0;
  const outcomes = new Map<string, number>();
  for (const row of rows) outcomes.set(`${String(row.status)}/${String(row.outcome)}`, (outcomes.get(`${String(row.status)}/${String(row.outcome)}`) ?? 0) + 1);
  printTable(
    `2. Ingest-to-posted latency at ${rate} events/s for ${steadySeconds} s (HTTP in, real worker process; booked_at - received_at)`,
    [{ header: "sent", align: "right" }, { header: "sent+answered rate", align: "right" }, { header: "posted", align: "right" }, { header: "p50", align: "right" }, { header: "p95", align: "right" }, { header: "p99", align: "right" }, { header: "max", align: "right" }, { header: "goal p95 < 250 ms" }],
    [[formatCount(eventCount), `${formatCount(perSecond(eventCount, sendElapsed))}/s`, formatCount(latencies.length), formatMs(summary.p50Ms), formatMs(summary.p95Ms), formatMs(summary.p99Ms), formatMs(summary.maxMs), met ? "met" : "NOT met"]],
  );
  // Latency by 5-second window of arrival: a slow start (the worker's first round of monitors,
  // reconciliation and audit checks) shows apart from a slow steady state.
  const windows = new Map<number, number[]>();
  for (const row of rows) if (row.ms !== null) windows.set(Number(row.window), [...(windows.get(Number(row.window)) ?? []), Number(row.ms)]);
  console.log(
    `p50/p95 by 5 s window of arrival: ${[...windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([window, values]) => {
        const part = summarizeLatencies(values);
        return `${window * 5}-${window * 5 + 5} s ${formatMs(part.p50Ms)}/${formatMs(part.p95Ms)}`;
      })
      .join(", ")}`,
  );
  console.log(`events: ${pool.length} deposits then ${formatCount(eventCount - pool.length)} bets over ${pool.length} EUR customers; inbox outcomes: ${[...outcomes.entries()].map(([key, count]) => `${key} ${count}`).join(", ")}; not posted: ${notPosted}; refused at send: ${[...failures.entries()].map(([key, count]) => `${key} x${count}`).join(", ") || "none"}; sends more than 50 ms late: ${late}`);

  // Let the worker's outbox loop drain what these postings wrote, then stop it: phase 3 owns the outbox.
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const [row] = await bench.owner`select count(*)::int as n from outbox_events where status = 'pending'`;
    if (Number(row?.n) === 0) break;
    await sleep(100);
  }
  await stopChild(worker);
}

/**
 * Without phase 2 the outbox is empty (seeded history writes no events): delivered events shaped
 * as postTransaction writes them, one per customer-owned posting of the seed, are the source.
 */
async function postedEventsFromTheSeed(bench: BenchDatabase): Promise<void> {
  await bench.owner`
    insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload, status, delivered_at)
    select gen_random_uuid(), 'ledger.transaction_posted', 'ledger_transaction', t.id::text, null,
           jsonb_build_object('transactionId', t.id, 'kind', t.kind, 'amount', t.amount::text, 'currency', t.currency,
             'externalReference', t.external_reference, 'reversesTransactionId', t.reverses_transaction_id,
             'occurredAt', to_char(t.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'bookedAt', to_char(t.booked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'entries', (select jsonb_agg(jsonb_build_object('accountId', e.account_id, 'currency', e.currency, 'amount', e.amount::text) order by e.account_id, e.id)
                           from ledger_entries e where e.transaction_id = t.id)),
           'delivered', now()
      from ledger_transactions t
     where t.amount is not null
       and exists (select 1 from ledger_entries e join accounts a on a.id = e.account_id where e.transaction_id = t.id and a.customer_id is not null)
     order by t.id
     limit 2000`;
}

async function dispatcherVersusSkipLocked(bench: BenchDatabase, env: NodeJS.ProcessEnv): Promise<void> {
  // N pending outbox events, cloned from real ledger.transaction_posted payloads.
  let [source] = await bench.owner`select count(*)::int as n from outbox_events where type = 'ledger.transaction_posted'`;
  if (Number(source?.n) === 0) {
    await postedEventsFromTheSeed(bench);
    [source] = await bench.owner`select count(*)::int as n from outbox_events where type = 'ledger.transaction_posted'`;
  }
  if (Number(source?.n) === 0) throw new Error("no ledger.transaction_posted outbox events to clone");
  await bench.owner`
    with source as (
      select row_number() over (order by id) - 1 as k, type, aggregate_type, aggregate_id, correlation_id, payload
        from outbox_events where type = 'ledger.transaction_posted'
    )
    insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
    select gen_random_uuid(), s.type, s.aggregate_type, s.aggregate_id, s.correlation_id, s.payload
      from generate_series(0, ${jobs - 1}) g join source s on s.k = g % ${Number(source?.n)}`;
  await bench.owner`vacuum analyze outbox_events`;
  // The worker's code needs --conditions=react-server (server-only imports): it runs in a child.
  const child = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "bench/lib/webhooks.ts", bench.appUrl, String(jobs), String(batch)], {
    encoding: "utf8",
    env: { ...env, COUNTERSIGN_PROCESS: "worker" },
    timeout: 120_000,
  });
  const line = child.stdout.trim().split("\n").pop() ?? "";
  if (child.status !== 0 || !line.startsWith("{")) throw new Error(`the dispatch child failed (${child.status}): ${child.stderr.slice(-2000)}`);
  const { delivered, rounds, elapsedMs } = JSON.parse(line) as { delivered: number; rounds: number; elapsedMs: number };
  const dispatchMs = elapsedMs;
  const [left] = await bench.owner`select count(*)::int as n from outbox_events where status <> 'delivered'`;

  // Baseline: the bare queue pattern on a plain table, through the same app-role connection pool.
  await bench.owner`create table bench_queue (id bigserial primary key, status text not null default 'pending', payload jsonb not null, done_at timestamptz)`;
  await bench.owner`insert into bench_queue (payload) select payload from outbox_events order by id limit ${jobs}`;
  await bench.owner`create index bench_queue_pending_idx on bench_queue (id) where status = 'pending'`;
  await bench.owner`grant select, update on bench_queue to countersign_app`;
  await bench.owner`vacuum analyze bench_queue`;
  let done = 0;
  const baselineStarted = performance.now();
  for (let round = 0; round < Math.ceil(jobs / batch) + 10; round += 1) {
    const claimed = await bench.app.sql.begin(async (tx) => {
      const rows = await tx`select id from bench_queue where status = 'pending' order by id limit ${batch} for update skip locked`;
      if (rows.length === 0) return 0;
      await tx`update bench_queue set status = 'done', done_at = now() where id in ${tx(rows.map((row) => String(row.id)))}`;
      return rows.length;
    });
    done += claimed;
    if (claimed === 0) break;
  }
  const baselineMs = performance.now() - baselineStarted;
  await bench.owner`drop table bench_queue`;

  const dispatchRate = perSecond(delivered, dispatchMs);
  const baselineRate = perSecond(done, baselineMs);
  const ratio = dispatchRate / baselineRate;
  printTable(
    `3. Dispatcher vs a bare FOR UPDATE SKIP LOCKED loop (${formatCount(jobs)} jobs, batch ${batch}, one loop each, same database)`,
    [{ header: "loop" }, { header: "jobs", align: "right" }, { header: "time", align: "right" }, { header: "jobs/s", align: "right" }],
    [
      [`dispatcher: claim + deliver to the activity projection (concurrency 4), ${rounds} rounds`, formatCount(delivered), formatSeconds(dispatchMs), formatCount(dispatchRate)],
      ["bare select ... for update skip locked limit B; update to done; commit", formatCount(done), formatSeconds(baselineMs), formatCount(baselineRate)],
    ],
  );
  console.log(`dispatcher / bare loop: ${formatPercent(ratio)} (goal: at least 50%: ${ratio >= 0.5 ? "met" : "NOT met"}); outbox events not delivered afterwards: ${Number(left?.n)}`);
}
