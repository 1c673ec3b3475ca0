/**
 * npm run bench -- audit
 * The audit trail's costs on this machine, in one run against a throwaway database:
 *   1. bulk-loading a 1,000,000-record chain through the link-checking trigger,
 *   2. verifyChain(sql) over that chain, on one thread, then verifyChainInParallel in two threads
 *      (two connections, seq ranges handed out in order), as npm run audit:verify runs it by default,
 *   3. appends per second and latency with 1 and 16 concurrent writers, then verifying the whole
 *      chain again, which proves the concurrent appends kept it linear,
 *   4. the raw SHA-256 rate over the exact bytes a record hashes, sampled before and after the
 *      rest so that a shared machine's load affects it as it affects the others, and verification
 *      as a share of it.
 */
import { createHash, hash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { appendAuditEvent, type AuditEventInput } from "../server/audit/append-audit-event";
import { canonicalRecordJson } from "../server/audit/chain";
import { verifyChain, type ChainVerification } from "../server/audit/verify-chain";
import { verifyChainInParallel } from "../server/audit/verify-chain-parallel";
import { copyChain, generateChain } from "./lib/audit-fixture";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import { summarizeLatencies } from "./lib/stats";
import { formatCount, formatMs, formatPercent, formatSeconds, printTable } from "./lib/table";
import { nowMs, perSecond, runClosedLoop, timed } from "./lib/timing";

const chainLength = 1_000_000;
const rawSampleRecords = 100_000;
const rawPassesPerSample = 8;
const appendDurationMs = 10_000;
const appendOperationsMax = 100_000;
const appendWriterCounts = [1, 16];

/** Hashes and milliseconds spent, per method; samples taken at different times add up. */
interface RawSample {
  hashed: number;
  oneShotMs: number;
  streamingMs: number;
  meanBytes: number;
}

interface PreparedRecords {
  prevBytes: Buffer[];
  jsonBytes: Buffer[];
  joined: Buffer[];
}

/** The first records of the benchmark chain as the exact bytes their hash covers. */
function prepareRawRecords(): PreparedRecords {
  const prepared: PreparedRecords = { prevBytes: [], jsonBytes: [], joined: [] };
  for (const { record, prevHash } of generateChain(rawSampleRecords)) {
    const prev = Buffer.from(prevHash, "hex");
    const json = Buffer.from(canonicalRecordJson(record), "utf8");
    prepared.prevBytes.push(prev);
    prepared.jsonBytes.push(json);
    prepared.joined.push(Buffer.concat([prev, json]));
  }
  return prepared;
}

/**
 * Hashes the prepared bytes in a tight loop on this thread: with the one-shot crypto.hash over
 * prev_hash ‖ JSON (what chainHash does), and with createHash().update(prev).update(JSON), the
 * streaming form. Passes of the two alternate so that a burst of load on a shared machine hits both.
 */
function measureRawHashRate({ prevBytes, jsonBytes, joined }: PreparedRecords): RawSample {
  let oneShotMs = 0;
  let streamingMs = 0;
  let digestLength = 0;
  for (let pass = 0; pass <= rawPassesPerSample; pass += 1) {
    let started = nowMs();
    for (const bytes of joined) digestLength += hash("sha256", bytes, "hex").length;
    if (pass > 0) oneShotMs += nowMs() - started; // pass 0 warms up the JIT and is not counted
    started = nowMs();
    for (let index = 0; index < prevBytes.length; index += 1) {
      const digest = createHash("sha256")
        .update(prevBytes[index] as Buffer)
        .update(jsonBytes[index] as Buffer)
        .digest("hex");
      digestLength += digest.length;
    }
    if (pass > 0) streamingMs += nowMs() - started;
  }
  if (digestLength !== 64 * 2 * (rawPassesPerSample + 1) * joined.length) throw new Error("a digest was not 32 bytes");
  const meanBytes = joined.reduce((sum, bytes) => sum + bytes.length, 0) / joined.length;
  return { hashed: rawPassesPerSample * joined.length, oneShotMs, streamingMs, meanBytes };
}

interface RawRates {
  oneShotPerSecond: number;
  streamingPerSecond: number;
}

function rawRates(samples: readonly RawSample[]): RawRates {
  const total = (pick: (sample: RawSample) => number) => samples.reduce((sum, sample) => sum + pick(sample), 0);
  const hashed = total((sample) => sample.hashed);
  return { oneShotPerSecond: perSecond(hashed, total((sample) => sample.oneShotMs)), streamingPerSecond: perSecond(hashed, total((sample) => sample.streamingMs)) };
}

function printRawRates(samples: readonly RawSample[]): void {
  const rates = (sample: RawSample) => rawRates([sample]);
  const rows = samples.map((sample, index) => [
    index === 0 ? "before the load" : "after the appends",
    formatCount(rates(sample).oneShotPerSecond),
    formatCount(rates(sample).streamingPerSecond),
  ]);
  const combined = rawRates(samples);
  rows.push(["combined", formatCount(combined.oneShotPerSecond), formatCount(combined.streamingPerSecond)]);
  printTable(
    `Raw SHA-256, one thread: ${formatCount(rawSampleRecords)} records of the chain as prev_hash bytes ‖ canonical JSON (mean ${Math.round(samples[0]?.meanBytes ?? 0)} bytes), ${rawPassesPerSample} passes per sample`,
    [
      { header: "sample" },
      { header: "one-shot crypto.hash, records/s", align: "right" },
      { header: "streaming createHash, records/s", align: "right" },
    ],
    rows,
  );
}

async function loadChain(database: BenchDatabase): Promise<number> {
  const { result: loaded, elapsedMs } = await timed(() => copyChain(database.owner, generateChain(chainLength)));
  if (loaded !== chainLength) throw new Error(`loaded ${loaded} records, expected ${chainLength}`);
  await database.owner`vacuum (analyze) audit_events`;
  const [size] = await database.owner`select pg_size_pretty(pg_total_relation_size('audit_events')) as size`;
  printTable(
    `Bulk load: COPY of ${formatCount(chainLength)} chained records, hashed in Node with chainHash, through the link-checking trigger`,
    [{ header: "records", align: "right" }, { header: "elapsed", align: "right" }, { header: "records/s", align: "right" }, { header: "table + indexes", align: "right" }],
    [[formatCount(loaded), formatSeconds(elapsedMs), formatCount(perSecond(loaded, elapsedMs)), String(size?.size)]],
  );
  return loaded;
}

const parallelThreads = 2;

async function verifyWholeChain(database: BenchDatabase, expectedRecords: number, threads = 1): Promise<ChainVerification> {
  const result =
    threads > 1 ? await verifyChainInParallel(database.app.sql, { url: database.appUrl, threads }) : await verifyChain(database.app.sql);
  if (!result.ok || result.checked !== expectedRecords) {
    throw new Error(`verification failed: ${JSON.stringify(result)} (expected ${expectedRecords} intact records)`);
  }
  return result;
}

interface VerificationRun {
  label: string;
  result: ChainVerification;
}

function printVerification(runs: readonly VerificationRun[], raw: RawRates): void {
  printTable(
    `Verification as countersign_app, every record checked for seq, link and hash: verifyChain on one thread, verifyChainInParallel in ${parallelThreads} threads`,
    [
      { header: "chain" },
      { header: "records", align: "right" },
      { header: "elapsed", align: "right" },
      { header: "records/s", align: "right" },
      { header: "% of raw one-shot", align: "right" },
      { header: "% of raw streaming", align: "right" },
    ],
    runs.map(({ label, result }) => {
      const rate = perSecond(result.checked, result.elapsedMs);
      return [label, formatCount(result.checked), formatSeconds(result.elapsedMs), formatCount(rate), formatPercent(rate / raw.oneShotPerSecond), formatPercent(rate / raw.streamingPerSecond)];
    }),
  );
  for (const run of runs.slice(0, 2)) {
    const share = perSecond(run.result.checked, run.result.elapsedMs) / raw.oneShotPerSecond;
    console.log(
      `\nVerifying ${formatCount(run.result.checked)} records (${run.label}) ran at ${formatPercent(share)} of this machine's raw one-shot SHA-256 rate ` +
        `(goal: at least 50%): ${share >= 0.5 ? "met" : "NOT met"}.`,
    );
  }
}

function appendInput(writer: number, operation: number): AuditEventInput {
  return {
    actor: { type: "staff", id: `0195a3c2-7d1e-7c4b-8f3a-${String(writer).padStart(12, "0")}` },
    action: "adjustment.approve",
    outcome: "success",
    target: { type: "adjustment", id: `bench-${writer}-${operation}` },
    details: { amount: "1250.00", currency: "EUR", reason: "Goodwill credit after a delayed payout", writer, operation },
    request: { correlationId: `bench-${writer}-${operation}`, ip: "10.0.0.1", userAgent: "countersign-bench" },
  };
}

async function measureAppends(database: BenchDatabase, writers: number): Promise<string[]> {
  let operation = 0;
  const result = await runClosedLoop({
    concurrency: writers,
    durationMs: appendDurationMs,
    operationsMax: appendOperationsMax,
    operation: async (writer) => {
      operation += 1;
      await database.app.db.transaction((tx) => appendAuditEvent(tx, appendInput(writer, operation)));
    },
  });
  const latency = summarizeLatencies(result.latenciesMs);
  return [
    String(writers),
    formatCount(result.operations),
    formatSeconds(result.elapsedMs),
    formatCount(perSecond(result.operations, result.elapsedMs)),
    formatMs(latency.p50Ms),
    formatMs(latency.p95Ms),
    formatMs(latency.p99Ms),
    formatMs(latency.maxMs),
  ];
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

async function main(): Promise<void> {
  const started = nowMs();
  console.log("npm run bench -- audit");
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? "unknown CPU"} · ${cpus().length} cores · load average ${loadAverage()} (1, 5, 15 min)`);
  const database = await openBenchDatabase({ appMaxConnections: Math.max(...appendWriterCounts) + 2 });
  try {
    console.log(`database: ${database.source}, PostgreSQL ${database.serverVersion}, throwaway database ${database.name}`);
    const rawRecords = prepareRawRecords();
    const rawSamples = [measureRawHashRate(rawRecords)];
    await loadChain(database);
    const verifications: VerificationRun[] = [{ label: "after the load, 1 thread", result: await verifyWholeChain(database, chainLength) }];
    verifications.push({ label: `after the load, ${parallelThreads} threads`, result: await verifyWholeChain(database, chainLength, parallelThreads) });
    for (const { label, result } of verifications) console.log(`\nverified ${formatCount(result.checked)} records in ${formatSeconds(result.elapsedMs)} (${label})`);
    const appendRows: string[][] = [];
    for (const writers of appendWriterCounts) appendRows.push(await measureAppends(database, writers));
    printTable(
      `Appends: db.transaction(tx => appendAuditEvent(tx, …)) as countersign_app, closed loop of ${formatSeconds(appendDurationMs)} per row`,
      ["writers", "appends", "elapsed", "appends/s", "p50", "p95", "p99", "max"].map((header) => ({ header, align: "right" as const })),
      appendRows,
    );
    const [count] = await database.owner`select count(*)::int as n from audit_events`;
    // Verifying again proves the concurrent appends kept one linear chain on top of the loaded one.
    verifications.push({ label: `after the appends, ${parallelThreads} threads`, result: await verifyWholeChain(database, Number(count?.n), parallelThreads) });
    rawSamples.push(measureRawHashRate(rawRecords));
    printRawRates(rawSamples);
    printVerification(verifications, rawRates(rawSamples));
  } finally {
    await database.close();
  }
  console.log(`\nDone in ${formatSeconds(nowMs() - started)}; load average now ${loadAverage()}. The throwaway database was dropped.`);
}

await main();
