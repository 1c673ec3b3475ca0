/**
 * npm run bench -- ledger [--transactions 1000000] [--customers 100000] [--seconds 10] [--pgbench-seconds 30]
 *                          [--parts postings,pgbench,queries,http,verify]
 *
 * 1. Postings per second with every guarantee (idempotency, ordered locks, account rules, balanced
 *    check at commit, cached balances, outbox), 1 and 16 concurrent clients, uniform over many
 *    accounts and on one hot account, next to pgbench TPC-B on the same server in the same run.
 * 2. With the ledger seeded to --transactions: p50/p95 of an id lookup, a customer's statement page,
 *    a filtered search, and page 1 vs page 1,000 of a filter, next to a primary-key point select,
 *    all through the app's own query functions and connection.
 * 3. The same searches over HTTP through the production web server, and the server's RSS after them.
 */
import { spawn, spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { connectDatabase } from "../db/client";
import { ensureProductionBuild } from "../scripts/lib/build";
import { demoPassword, seedDemoStaff } from "../server/demo/demo-staff";
import { seedLedger } from "../server/demo/seed-ledger";
import { postTransaction } from "../server/ledger/post-transaction";
import { getStatement, getTransactionDetail, searchTransactions } from "../server/ledger/queries";
import { verifyLedger } from "../server/ledger/verify-ledger";
import { MoneyDecimal } from "../server/money";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import { summarizeLatencies } from "./lib/stats";
import { formatCount, formatMs, printTable } from "./lib/table";

const allParts = ["postings", "pgbench", "queries", "http", "verify"] as const;
const { values } = parseArgs({
  allowPositionals: true,
  options: {
    transactions: { type: "string", default: "1000000" },
    customers: { type: "string", default: "100000" },
    seconds: { type: "string", default: "10" },
    "pgbench-seconds": { type: "string", default: "30" },
    samples: { type: "string", default: "300" },
    parts: { type: "string", default: allParts.join(",") },
  },
});
const transactions = Number.parseInt(values.transactions, 10);
const customers = Number.parseInt(values.customers, 10);
const seconds = Number.parseInt(values.seconds, 10);
const pgbenchSeconds = Number.parseInt(values["pgbench-seconds"], 10);
const samples = Number.parseInt(values.samples, 10);
/** While iterating on one part, the others can be left out: `--parts postings,pgbench`. */
const parts = new Set(values.parts.split(",").map((part) => part.trim()));
const unknownParts = [...parts].filter((part) => !(allParts as readonly string[]).includes(part));
if (unknownParts.length > 0) throw new Error(`unknown --parts ${unknownParts.join(", ")}; choose from ${allParts.join(", ")}`);
/** Small runs use small pages so that "page 1,000" exists; the full run uses the console's 50. */
const pageSize = transactions >= 1_000_000 ? 50 : 5;

const bench = await openBenchDatabase({ appMaxConnections: 24, appStatementTimeoutMs: 0 });
console.log(`ledger benchmark on ${bench.source} (PostgreSQL ${bench.serverVersion}), ${new Date().toISOString()}`);
try {
  const seeded = await seedLedger(bench.app, { customers, transactions, seed: 2026, log: () => undefined });
  console.log(`seeded ${formatCount(seeded.customers)} customers, ${formatCount(seeded.transactions)} transactions, ${formatCount(seeded.entries)} entries in ${(seeded.elapsedMs / 1000).toFixed(1)} s (${formatCount(seeded.transactions / (seeded.elapsedMs / 1000))} transactions/s)`);
  await bench.owner`vacuum analyze`;
  if (parts.has("postings")) await postingThroughput(bench);
  if (parts.has("pgbench")) {
    const tps = pgbenchTps(bench, pgbenchSeconds);
    console.log(`\npgbench TPC-B (scale 10, 16 clients, 2 threads, ${pgbenchSeconds} s) on the same server: ${tps === null ? "not available" : `${formatCount(tps)} tps`}`);
  }
  if (parts.has("queries")) await queryLatencies(bench);
  if (parts.has("http")) await httpLatencies(bench);
  if (parts.has("verify")) {
    const verification = await verifyLedger(bench.app.db);
    console.log(`\nledger:verify after the run: ${verification.ok ? "consistent" : "INCONSISTENT"} (${(verification.elapsedMs / 1000).toFixed(1)} s over ${formatCount(verification.transactions)} transactions)`);
  }
} finally {
  await bench.close();
}

async function postingThroughput(bench: BenchDatabase): Promise<void> {
  const wallets = (await bench.owner`select a.id from accounts a join account_balances b on b.account_id = a.id where a.purpose = 'wallet' and a.currency = 'EUR' and b.balance >= 100 order by a.id limit 10000`).map((row) => String(row.id));
  const [hot] = wallets;
  if (!hot || wallets.length < 100) throw new Error("the seed left too few funded EUR wallets");
  const [clearing] = await bench.owner`select id from accounts where code = 'system:provider_clearing:EUR'`;
  let sequence = 0;
  const cent = new MoneyDecimal("0.01");
  // Uniform: a cent between two random wallets, touching two of 10,000 accounts. Hot: every posting
  // moves a cent between the same wallet and the clearing account.
  const uniform = () => {
    const from = wallets[Math.floor(Math.random() * wallets.length)] ?? hot;
    let to = wallets[Math.floor(Math.random() * wallets.length)] ?? hot;
    if (to === from) to = wallets[(wallets.indexOf(from) + 1) % wallets.length] ?? hot;
    return [{ accountId: from, amount: cent }, { accountId: to, amount: cent.negated() }];
  };
  const hotLegs = () => (sequence % 2 === 0 ? [{ accountId: hot, amount: cent }, { accountId: String(clearing?.id), amount: cent.negated() }] : [{ accountId: String(clearing?.id), amount: cent }, { accountId: hot, amount: cent.negated() }]);
  const rows: string[][] = [];
  for (const [label, legs] of [["uniform over 10,000 wallets", uniform], ["one hot wallet", hotLegs]] as const) {
    for (const clients of [1, 16]) {
      const latencies: number[] = [];
      const deadline = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            sequence += 1;
            const idempotencyKey = `bench-${process.pid}-${sequence}`;
            const entries = legs();
            const begin = performance.now();
            await bench.app.db.transaction((tx) =>
              postTransaction(tx, { idempotencyKey, kind: "adjustment", initiator: { type: "service", id: "bench" }, occurredAt: new Date(), entries }),
            );
            latencies.push(performance.now() - begin);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const summary = summarizeLatencies(latencies);
      rows.push([label, String(clients), formatCount(latencies.length / elapsed), formatMs(summary.p50Ms), formatMs(summary.p95Ms)]);
    }
  }
  printTable(
    `Postings with every guarantee (${seconds} s each)`,
    [{ header: "load" }, { header: "clients", align: "right" }, { header: "postings/s", align: "right" }, { header: "p50", align: "right" }, { header: "p95", align: "right" }],
    rows,
  );
}

function pgbenchTps(bench: BenchDatabase, duration: number): number | null {
  const url = new URL(bench.ownerUrl);
  const database = `${bench.name}_pgbench`;
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  const common = ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username)];
  const create = spawnSync("psql", [...common, "-d", "postgres", "-qc", `create database ${database}`], { env, encoding: "utf8" });
  if (create.status !== 0) return null;
  try {
    spawnSync("pgbench", [...common, "-i", "-s", "10", "-q", database], { env, encoding: "utf8" });
    const run = spawnSync("pgbench", [...common, "-c", "16", "-j", "2", "-T", String(duration), database], { env, encoding: "utf8" });
    const match = /tps = ([0-9.]+)/.exec(run.stdout);
    return match?.[1] ? Math.round(Number(match[1])) : null;
  } finally {
    spawnSync("psql", [...common, "-d", "postgres", "-qc", `drop database if exists ${database} with (force)`], { env, encoding: "utf8" });
  }
}

interface Probe {
  name: string;
  run: () => Promise<unknown>;
}

async function measure(probe: Probe): Promise<string[]> {
  for (let index = 0; index < 20; index += 1) await probe.run();
  const latencies: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const begin = performance.now();
    await probe.run();
    latencies.push(performance.now() - begin);
  }
  const summary = summarizeLatencies(latencies);
  return [probe.name, formatMs(summary.p50Ms), formatMs(summary.p95Ms)];
}

async function probes(bench: BenchDatabase) {
  const ids = (await bench.owner`select id from ledger_transactions tablesample system (1) limit 2000`).map((row) => String(row.id));
  const busy = (await bench.owner`select b.account_id, a.customer_id from account_balances b join accounts a on a.id = b.account_id where a.purpose = 'wallet' order by b.entry_count desc limit 200`).map((row) => ({ accountId: String(row.account_id), customerId: String(row.customer_id) }));
  const [range] = await bench.owner`select min(occurred_at) as lo, max(occurred_at) as hi from ledger_transactions`;
  const lo = (range?.lo as Date).getTime();
  const hi = (range?.hi as Date).getTime();
  const pick = <T,>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;
  const filter = { kind: "bet" as const, dateField: "occurred" as const, from: new Date(lo + (hi - lo) * 0.1).toISOString(), to: new Date(lo + (hi - lo) * 0.9).toISOString(), amountMin: "0.50", amountMax: "50.00", sort: "desc" as const, limit: pageSize };
  let cursor: { at: string; id: string } | undefined;
  for (let page = 1; page < 1000; page += 1) {
    const result = await searchTransactions(bench.app.db, { ...filter, cursor });
    if (!result.nextCursor) throw new Error(`the filter has only ${page} pages`);
    cursor = result.nextCursor;
  }
  return { ids, busy, pick, filter, page1000Cursor: cursor };
}

async function queryLatencies(bench: BenchDatabase): Promise<void> {
  const { ids, busy, pick, filter, page1000Cursor } = await probes(bench);
  const rows = [
    await measure({ name: "primary-key point select (baseline)", run: () => bench.app.sql`select * from ledger_transactions where id = ${pick(ids)}` }),
    await measure({ name: "(a) transaction by id, with entries and lineage", run: () => getTransactionDetail(bench.app.db, pick(ids)) }),
    await measure({ name: "(a') search box: a transaction id", run: () => searchTransactions(bench.app.db, { q: pick(ids), dateField: "occurred", sort: "desc", limit: 50 }) }),
    await measure({ name: "(b) a busy customer's statement, first page", run: () => getStatement(bench.app.db, { accountId: pick(busy).accountId, limit: 50 }) }),
    await measure({ name: "(b') search: a customer's transactions", run: () => searchTransactions(bench.app.db, { customerId: pick(busy).customerId, dateField: "occurred", sort: "desc", limit: 50 }) }),
    await measure({ name: "(c) kind + date range + amount, page 1", run: () => searchTransactions(bench.app.db, filter) }),
    await measure({ name: "(d) the same filter, page 1,000", run: () => searchTransactions(bench.app.db, { ...filter, cursor: page1000Cursor }) }),
  ];
  printTable(`Query latency with ${formatCount(transactions)} transactions (${samples} samples each, app role, data layer)`, [{ header: "query" }, { header: "p50", align: "right" }, { header: "p95", align: "right" }], rows);
}

async function httpLatencies(bench: BenchDatabase): Promise<void> {
  if (!ensureProductionBuild({ env: process.env, log: () => undefined })) throw new Error("next build failed");
  const handle = connectDatabase(bench.appUrl, { maxConnections: 2 });
  await seedDemoStaff(handle.db);
  await handle.close();
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://localhost:${port}`;
  const web = spawn("node_modules/.bin/tsx", ["server/http/serve.mts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), APP_DATABASE_URL: bench.appUrl, NEXTAUTH_URL: base, NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const ok = await fetch(`${base}/api/health`).then((response) => response.ok, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cookie = await signInOverHttp(base, "support@countersign.test");
    const { ids, busy, pick, filter, page1000Cursor } = await probes(bench);
    const get = (path: string, input: unknown) =>
      fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } }).then(async (response) => {
        if (!response.ok) throw new Error(`${path} answered ${response.status}`);
        return response.arrayBuffer();
      });
    const rows = [
      await measure({ name: "(a) ledger.transaction", run: () => get("ledger.transaction", { id: pick(ids) }) }),
      await measure({ name: "(b) ledger.statement", run: () => get("ledger.statement", { accountId: pick(busy).accountId, limit: 50 }) }),
      await measure({ name: "(c) ledger.search filter, page 1", run: () => get("ledger.search", filter) }),
      await measure({ name: "(d) ledger.search filter, page 1,000", run: () => get("ledger.search", { ...filter, cursor: page1000Cursor }) }),
    ];
    printTable("The same over HTTP (signed-in support user, production server)", [{ header: "procedure" }, { header: "p50", align: "right" }, { header: "p95", align: "right" }], rows);
    const rssKb = residentKb(web.pid ?? 0);
    console.log(`\nweb server RSS after the search benchmark: ${rssKb === null ? "unknown" : `${formatCount(rssKb / 1024)} MB`} (goal: under 500 MB)`);
  } finally {
    web.kill("SIGTERM");
  }
}

/** The resident set of the web process and its children (tsx runs Node under a small wrapper). */
function residentKb(pid: number): number | null {
  const tree = spawnSync("ps", ["-o", "pid=,rss=", "--ppid", String(pid), "-p", String(pid)], { encoding: "utf8" });
  if (tree.status !== 0) return null;
  const rows = tree.stdout.trim().split("\n").map((line) => line.trim().split(/\s+/).map((part) => Number.parseInt(part, 10)));
  const children = rows.filter(([child]) => child !== pid).map(([child]) => child ?? 0);
  const grand = children.flatMap((child) => spawnSync("ps", ["-o", "rss=", "--ppid", String(child)], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).map((line) => Number.parseInt(line.trim(), 10)));
  const own = rows.reduce((sum, [, rss]) => sum + (rss ?? 0), 0);
  return own + grand.reduce((sum, rss) => sum + rss, 0);
}

async function signInOverHttp(base: string, email: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar, origin: base },
    body: new URLSearchParams({ csrfToken, email, password: demoPassword, json: "true" }),
    redirect: "manual",
  });
  const session = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).find((cookie) => cookie?.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in for the benchmark failed (${response.status})`);
  return `${jar}; ${session}`;
}
