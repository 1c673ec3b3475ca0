/**
 * npm run bench -- recon-report
 * The reconciliation report on a run over 1,000,000 statement lines (goal: the summary renders in
 * under a second). A throwaway database gets one statement import of 1,000,000 lines and two runs
 * over it, each with 10,000 differences (1 %) and their exceptions:
 *   - run S stores its line counts in `summary`, as the matching engine writes them;
 *   - run C stores none, so the report counts its 990,000 matches itself (the fallback path).
 * Then the report's queries run as the application role: the summary (both runs), the chart, the
 * first drill-down page, a filtered page and a page deep in the keyset; and the exceptions
 * workbench's first pages over the 20,000 open exceptions.
 */
import { listExceptions } from "../server/recon/exception-queries";
import { findRun, differencesByDay, listDifferences, reportSummaryOf } from "../server/recon/report-queries";
import { differenceClasses } from "../server/recon/report-schemas";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import { summarizeLatencies } from "./lib/stats";
import { formatCount, formatMs, formatSeconds, printTable } from "./lib/table";
import { timed } from "./lib/timing";

const lines = Number.parseInt(process.env.RECON_BENCH_LINES ?? "1000000", 10);
const differenceShare = 0.01;
const samples = 15;

async function load(bench: BenchDatabase) {
  const differences = Math.round(lines * differenceShare);
  const matched = lines - differences;
  const sql = bench.owner;
  const [staff] = await sql`insert into staff (id, email, display_name, role, password_hash) values (gen_random_uuid(), 'bench-finance@countersign.test', 'Bench Finance', 'finance', 'x') returning id`;
  const [imported] = await sql`
    insert into statement_imports (id, provider, format, file_name, content_hash, byte_size, status, row_count, accepted_rows, rejected_rows, period_from, period_to, uploaded_by)
    values (gen_random_uuid(), 'acmepay', 'acmepay-v1', 'bench.csv', repeat('a', 64), ${lines * 80}, 'accepted', ${lines}, ${lines}, 0, '2026-01-01', '2026-03-31', ${staff?.id as string})
    returning id`;
  const importId = imported?.id as string;
  await sql`
    insert into statement_lines (import_id, line_no, provider, reference, kind, status, amount, currency, booked_on)
    select ${importId}, n, 'acmepay', 'PAY-' || n, 'payment', 'paid', (n % 50000) / 100.0 + 1, case when n % 3 = 0 then 'GBP' else 'EUR' end, date '2026-01-01' + (n % 90)
      from generate_series(1, ${lines}) as n`;
  const runIds: string[] = [];
  for (const stored of [true, false]) {
    const [run] = await sql`
      insert into recon_runs (id, scope, mode, trigger, status, provider, parameters, import_ids, window_from, window_to, summary, requested_by, started_at, finished_at)
      values (gen_random_uuid(), 'payments', 'recorded', 'manual', 'completed', 'acmepay', '{}', array[${importId}::uuid], '2026-01-01', '2026-04-01',
              ${stored ? sql.json({ statementLines: lines, matchedLines: matched }) : sql.json({})}, 'bench', now(), now())
      returning id`;
    const runId = run?.id as string;
    runIds.push(runId);
    if (!stored) {
      await sql`
        insert into recon_matches (run_id, line_id, transaction_id, method)
        select ${runId}, l.id, gen_random_uuid(), 'reference' from statement_lines l where l.import_id = ${importId} and l.line_no > ${differences}`;
    }
    await sql`
      insert into recon_differences (id, run_id, class, fingerprint, provider, reference, line_id, currency, statement_amount, ledger_amount, amount, occurred_on)
      select gen_random_uuid(), ${runId}, (${sql.array([...differenceClasses])}::recon_difference_class[])[1 + l.line_no % ${differenceClasses.length}],
             ${runId} || ':' || l.reference, 'acmepay', l.reference, l.id, l.currency, l.amount, l.amount - 1, 1, l.booked_on
        from statement_lines l where l.import_id = ${importId} and l.line_no <= ${differences}`;
    await sql`
      insert into recon_exceptions (id, fingerprint, class, difference_id, first_run_id, last_run_id, provider, reference, currency, amount)
      select gen_random_uuid(), fingerprint, class, id, run_id, run_id, provider, reference, currency, amount from recon_differences where run_id = ${runId}`;
  }
  await sql`vacuum analyze statement_lines, recon_matches, recon_differences, recon_exceptions, recon_runs`;
  return { runIds: runIds as [string, string], differences, matched };
}

async function latency(task: () => Promise<unknown>) {
  await task(); // warm the plan and the cache once
  const times: number[] = [];
  for (let index = 0; index < samples; index += 1) times.push((await timed(task)).elapsedMs);
  return summarizeLatencies(times);
}

const bench = await openBenchDatabase();
try {
  console.log(`recon-report bench on ${bench.source} (PostgreSQL ${bench.serverVersion})`);
  const loaded = await timed(() => load(bench));
  const { runIds, differences, matched } = loaded.result;
  const [stored, computed] = runIds;
  console.log(`loaded ${formatCount(lines)} statement lines, ${formatCount(matched)} matches, 2 × ${formatCount(differences)} differences and exceptions in ${formatSeconds(loaded.elapsedMs)}`);
  const db = bench.app.db;
  await findRun(db, stored);
  const queries: [string, () => Promise<unknown>][] = [
    ["summary, stored line counts (run S)", () => reportSummaryOf(db, stored)],
    ["summary, counted matches (run C)", () => reportSummaryOf(db, computed)],
    ["chart: differences by day and class", () => differencesByDay(db, stored)],
    ["drill-down, first page of 50", () => listDifferences(db, { runId: stored, limit: 50 })],
    ["drill-down, amount_mismatch in EUR", () => listDifferences(db, { runId: stored, limit: 50, class: ["amount_mismatch"], currency: "EUR" })],
    ["drill-down, a page mid-keyset", () => listDifferences(db, { runId: stored, limit: 50, cursor: { at: "2026-02-15", id: "00000000-0000-0000-0000-000000000000" } })],
    ["exceptions: first page of 50 unresolved", () => listExceptions(db, { limit: 50 })],
    ["exceptions: amount_mismatch in GBP", () => listExceptions(db, { limit: 50, class: ["amount_mismatch"], currency: "GBP" })],
  ];
  const rows: string[][] = [];
  for (const [name, task] of queries) {
    const summary = await latency(task);
    rows.push([name, formatMs(summary.p50Ms), formatMs(summary.p95Ms)]);
  }
  printTable(`Report queries on a run over ${formatCount(lines)} lines (${samples} samples each, app role, data layer)`, [{ header: "query" }, { header: "p50", align: "right" }, { header: "p95", align: "right" }], rows);
  const check = await reportSummaryOf(db, stored);
  console.log(`\nsummary of run S: ${check.matchedShare} matched, ${formatCount(check.differences)} differences in ${check.byClass.length} class and currency rows (goal: the summary in under 1 s)`);
} finally {
  await bench.close();
}
