/**
 * npm run bench -- recon [--transactions 1000000] [--customers 1000000] [--deposits-only]
 *
 * Seeds the ledger with --transactions transactions (the same COPY seed as the ledger bench; with as
 * many customers as transactions about half are first deposits; with --deposits-only every
 * transaction is a provider deposit, so there are as many lines as transactions), writes one statement per provider
 * from the ledger's deposits (acmepay in the default format, globalpsp in the European one), then
 * measures:
 *   - import: importStatement (COPY, every row checked, the lines written, audit) for both files;
 *   - match: a recorded payments run over both imports (reference, settlement and amount + date
 *     matching, classification, matches by amount + date and settlement and differences written);
 * next to, on the same files and server in the same run:
 *   - a raw COPY of the same bytes into a text table;
 *   - a raw SQL hash join of those rows to ledger_transactions on the reference.
 * The statement has one line per deposit, so the issue's measure (1,000,000 lines against 1,000,000
 * ledger transactions) is --deposits-only (or about 2,000,000 transactions of the platform mix); the
 * output says which sizes were measured.
 * Goal: import + match at most 3x (raw COPY + raw join).
 */
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { staff } from "../db/schema";
import { seedLedger } from "../server/demo/seed-ledger";
import { builtInReconDefaults } from "../server/recon/defaults";
import { providerFormats, type StatementFormat } from "../server/recon/formats";
import { importStatement } from "../server/recon/import-statement";
import { recordRun, resolveParameters } from "../server/recon/run-reconciliation";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import { formatCount, formatSeconds, printTable } from "./lib/table";
import { timed } from "./lib/timing";

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    transactions: { type: "string", default: "1000000" },
    customers: { type: "string" },
    "deposits-only": { type: "boolean", default: false },
  },
});
const transactions = Number.parseInt(values.transactions, 10);
const depositsOnly = values["deposits-only"];
// Deposits only: a customer has many deposits, as on a real platform, rather than one each.
const customers = Number.parseInt(values.customers ?? (depositsOnly ? String(Math.max(1, Math.floor(transactions / 10))) : values.transactions), 10);

const bench = await openBenchDatabase({ appMaxConnections: 8, appStatementTimeoutMs: 0 });
console.log(`reconciliation benchmark on ${bench.source} (PostgreSQL ${bench.serverVersion}), ${new Date().toISOString()}`);
try {
  const seeded = await seedLedger(bench.app, { customers, transactions, seed: 2026, batchSize: 20_000, depositsOnly, log: () => undefined });
  console.log(`seeded ${formatCount(seeded.customers)} customers, ${formatCount(seeded.transactions)} ledger transactions in ${formatSeconds(seeded.elapsedMs)}`);
  await bench.owner`analyze ledger_transactions`;
  const staffId = uuidv7();
  await bench.app.db.insert(staff).values({ id: staffId, email: `bench-${staffId}@countersign.test`, displayName: "Bench", role: "finance", passwordHash: "x" });

  const files: { provider: string; format: StatementFormat; bytes: Uint8Array }[] = [];
  for (const [provider, format] of Object.entries(providerFormats)) files.push({ provider, format, bytes: await statementFile(bench, provider, format) });
  const lines = await bench.owner`select count(*)::int as n from ledger_transactions where kind = 'deposit'`;
  const totalLines = Number(lines[0]?.n ?? 0);
  console.log(`statements: ${files.map((file) => `${file.provider} ${formatCount(file.bytes.byteLength / 1024 / 1024)} MB`).join(", ")}; ${formatCount(totalLines)} lines in all, against ${formatCount(transactions)} ledger transactions`);
  console.log(
    totalLines >= 1_000_000
      ? "the issue's size: at least 1,000,000 statement lines"
      : `NOT the issue's size: ${formatCount(totalLines)} statement lines, not 1,000,000 (one line per deposit; --deposits-only makes every transaction one)`,
  );

  const imported = await timed(async () => {
    const ids: string[] = [];
    for (const file of files) {
      const result = await importStatement(bench.app.db, { provider: file.provider, fileName: `${file.provider}.csv`, bytes: file.bytes, staffId, request: { correlationId: null, ip: null, userAgent: "bench" } });
      if (result.import.status !== "accepted") throw new Error(`${file.provider}: ${JSON.stringify(result.import.errors.slice(0, 3))}`);
      ids.push(result.import.id);
    }
    return ids;
  });
  const matched = await timed(() =>
    bench.app.db.transaction(async (tx) => {
      const parameters = await resolveParameters(tx, { scope: "payments", importIds: imported.result }, builtInReconDefaults);
      return recordRun(tx, { parameters, trigger: "manual", requestedBy: staffId });
    }),
  );
  if (matched.result.status !== "completed") throw new Error(`the run failed: ${matched.result.failureReason}`);
  const summary = matched.result.summary;

  await bench.owner`create unlogged table bench_raw_lines (reference text, kind text, status text, amount text, currency text, booked_on text, covers text, description text)`;
  const rawCopy = await timed(async () => {
    for (const file of files) {
      const stream = await bench.owner.unsafe(`copy bench_raw_lines from stdin with (format csv, header true, delimiter '${file.format.delimiter}')`).writable();
      await finished(Readable.from([Buffer.from(file.bytes)]).pipe(stream));
    }
  });
  const rawJoin = await timed(() =>
    bench.owner.begin(async (connection) => {
      await connection`set local enable_mergejoin = off`;
      await connection`set local enable_nestloop = off`;
      return connection`select count(*)::int as n from bench_raw_lines r join ledger_transactions t on t.external_reference = r.reference`;
    }),
  );

  printTable(
    `Reconciliation: ${formatCount(totalLines)} statement lines against ${formatCount(transactions)} ledger transactions`,
    [{ header: "step" }, { header: "time", align: "right" }, { header: "note" }],
    [
      ["import (COPY, checks, lines, audit)", formatSeconds(imported.elapsedMs), `${files.length} files`],
      ["match (recorded payments run)", formatSeconds(matched.elapsedMs), `${formatCount(summary?.matchedLines ?? 0)} lines matched, ${formatCount(summary?.differences ?? 0)} differences`],
      ["import + match", formatSeconds(imported.elapsedMs + matched.elapsedMs), ""],
      ["raw COPY of the same files", formatSeconds(rawCopy.elapsedMs), "text columns, no checks"],
      ["raw hash join on the reference", formatSeconds(rawJoin.elapsedMs), `${formatCount(Number(rawJoin.result[0]?.n ?? 0))} pairs`],
      ["raw COPY + join", formatSeconds(rawCopy.elapsedMs + rawJoin.elapsedMs), ""],
    ],
  );
  const ratio = (imported.elapsedMs + matched.elapsedMs) / (rawCopy.elapsedMs + rawJoin.elapsedMs);
  console.log(`\nimport + match = ${ratio.toFixed(2)}x (raw COPY + join); goal at most 3x: ${ratio <= 3 ? "met" : "NOT met"}`);
  const [check] = await bench.app.db.execute<{ n: number }>(sql`select count(*)::int as n from recon_matches where run_id = ${matched.result.runId}`);
  const methods = summary?.matchedByMethod;
  console.log(
    `run ${matched.result.runId}: ${formatCount(check?.n ?? 0)} match rows written (by amount and date, by settlement); ${formatCount(methods?.reference ?? 0)} matches by reference counted in the summary; matched share ${summary?.matchedShare ?? "n/a"}`,
  );
} finally {
  await bench.close();
}

/** A provider's statement built by the database from the ledger's deposits, in the provider's format. */
async function statementFile(database: BenchDatabase, provider: string, format: StatementFormat): Promise<Uint8Array> {
  const h = format.headers;
  const kind = Object.entries(format.kinds).find(([, value]) => value === "payment")?.[0] ?? "payment";
  const status = Object.entries(format.statuses).find(([, value]) => value === "paid")?.[0] ?? "paid";
  const amount = format.decimal === "," ? "replace(round(t.amount, c.exponent)::text, '.', ',')" : "round(t.amount, c.exponent)::text";
  const date = format.dates === "iso" ? "to_char(t.occurred_at at time zone 'UTC', 'YYYY-MM-DD')" : "to_char(t.occurred_at at time zone 'UTC', 'DD.MM.YYYY')";
  const d = format.delimiter;
  // One text value built by the server: references and amounts need no CSV quoting.
  const [row] = await database.owner.unsafe(`
    select string_agg(concat_ws('${d}', t.external_reference, '${kind}', '${status}', ${amount}, t.currency, ${date}, '', ''), E'\\n' order by t.occurred_at, t.id) as body
      from ledger_transactions t join currencies c on c.code = t.currency
     where t.kind = 'deposit' and t.metadata->>'provider' = '${provider}'`);
  const header = [h.reference, h.kind, h.status, h.amount, h.currency, h.bookedOn, h.covers, h.description].join(d);
  return Buffer.from(`${header}\n${String(row?.body ?? "")}\n`);
}
