import { sql, type SQL } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { DomainError } from "../errors";
import { verifyLedger } from "../ledger/verify-ledger";
import type { ReconDefaults } from "./defaults";
import type { DifferenceClass, ReconScope, RunParametersInput } from "./schemas";
import { supersededRanges, type RunImport, type SupersededRange } from "./superseded-lines";

/**
 * One reconciliation run, computed set-based in PostgreSQL (temporary tables and hash joins; no
 * statement line or ledger transaction is loaded into JavaScript):
 *
 * 1. Statement lines of the chosen imports in the scope's kinds (payments: payment and settlement
 *    lines; withdrawals: withdrawal lines), less the dates that a newer import of the same provider
 *    among them covers (superseded-lines.ts), against the ledger items of the same provider and window:
 *    deposits or withdrawals carrying `metadata.provider`, and the payment and withdrawal records
 *    (provider_payments, provider_withdrawals) with their status.
 * 2. A reference seen on more than one line (same provider and kind) is a duplicate at the provider;
 *    the first line (lowest id: the earlier import, then the earlier row) is the one matched. A
 *    reference held by more than one ledger item pairs with the first item in time (then postings
 *    before payment and withdrawal records, then id); the others stay unpaired.
 * 3. Exact match by reference. A pair whose currency differs is a currency mismatch, whose amount
 *    differs by more than the tolerance an amount mismatch, whose status differs (paid at the
 *    provider, pending or failed with us, or the reverse) a status mismatch; otherwise a match.
 * 4. Settlement lines match the several items they cover (one-to-many) when all exist and their sum
 *    equals the line within the tolerance; a covered reference we do not have is missing in ledger.
 * 5. Lines and items still unpaired: amount and currency equal and dates at most dateWindowDays
 *    apart, one-to-one (nearest dates first).
 * 6. A line still unpaired that the provider reports paid is missing in ledger; an item still
 *    unpaired that we hold as paid or pending is missing at the provider. Failed on both sides, or
 *    failed or pending at the provider with nothing booked, is consistent.
 * 7. Internal checks: stuck payments (payment events received but not applied after the threshold),
 *    stuck withdrawals (requested longer than the threshold), and with ledgerChecks every cached
 *    balance against its entries and the trial balance per currency (server/ledger/verify-ledger).
 *
 * Every difference has a fingerprint (class + the references involved) that is the same when a later
 * run finds the same difference again.
 */

export interface ResolvedParameters {
  scope: ReconScope;
  provider: string | null;
  importIds: string[];
  /** The dates of older imports that newer overlapping imports replace (superseded-lines.ts); their lines are left out. */
  superseded: SupersededRange[];
  from: string | null;
  to: string | null;
  dateWindowDays: number;
  amountTolerance: string;
  stuckPaymentMinutes: number;
  stuckWithdrawalMinutes: number;
  ledgerChecks: boolean;
}

export interface ClassTotal {
  class: DifferenceClass;
  currency: string | null;
  count: number;
  amount: string | null;
}

export interface RunSummary {
  statementLines: number;
  ledgerItems: number;
  matchedLines: number;
  matchedTransactions: number;
  matchedByMethod: { reference: number; amount_date: number; settlement: number };
  /** matchedLines / statementLines as a decimal string with 4 places; null without statement lines. */
  matchedShare: string | null;
  /** Lines failed or pending at the provider with nothing booked, and failed items the provider omits. */
  consistentUnbooked: number;
  differences: number;
  byClass: ClassTotal[];
  ledger: { ok: boolean; transactions: number; accounts: number } | null;
}

export interface DifferenceView {
  class: DifferenceClass;
  fingerprint: string;
  provider: string | null;
  reference: string | null;
  lineId: number | null;
  transactionId: string | null;
  accountId: string | null;
  currency: string | null;
  statementAmount: string | null;
  ledgerAmount: string | null;
  amount: string | null;
  occurredOn: string | null;
  details: Record<string, unknown>;
}

export interface ComputedRun {
  parameters: ResolvedParameters;
  windowFrom: Date | null;
  windowTo: Date | null;
  summary: RunSummary;
}

const scopeKinds: Record<ReconScope, string[]> = { payments: ["payment", "settlement"], withdrawals: ["withdrawal"], ledger: [] };

function uuidArray(ids: string[]): SQL {
  return sql`${`{${ids.join(",")}}`}::uuid[]`;
}

/** Fills in the defaults and the statements a run compares; checks the imports exist and are accepted. */
export async function resolveParameters(tx: Transaction, input: RunParametersInput, defaults: ReconDefaults, now = new Date()): Promise<ResolvedParameters> {
  const provider = input.provider ?? null;
  let importIds: string[] = [];
  if (input.scope !== "ledger") {
    if (input.importIds && input.importIds.length > 0) {
      const found = await tx.execute<{ id: string; provider: string; status: string }>(
        sql`select id, provider, status::text from statement_imports where id = any(${uuidArray(input.importIds)})`,
      );
      for (const id of input.importIds) {
        const row = [...found].find((candidate) => candidate.id === id);
        if (!row) throw new DomainError("NOT_FOUND", `statement import ${id} does not exist.`, { field: "importIds" });
        if (row.status !== "accepted") throw new DomainError("VALIDATION", `statement import ${id} was rejected; only accepted statements are reconciled.`, { field: "importIds" });
        if (provider && row.provider !== provider) throw new DomainError("VALIDATION", `statement import ${id} is from ${row.provider}, not ${provider}.`, { field: "importIds" });
      }
      importIds = [...new Set(input.importIds)];
    } else {
      const since = new Date(now.getTime() - defaults.statementLookbackDays * 86_400_000).toISOString().slice(0, 10);
      // The newest 50: with overlapping statements, the newest are the ones that count.
      const rows = await tx.execute<{ id: string }>(sql`
        select id from (select id, created_at from statement_imports
                         where status = 'accepted' and period_to >= ${since}::date ${provider ? sql`and provider = ${provider}` : sql``}
                         order by created_at desc, id desc limit 50) newest
         order by created_at, id`);
      importIds = [...rows].map((row) => row.id);
    }
  }
  let from = input.from ?? null;
  let to = input.to ?? null;
  if (importIds.length > 0 && (!from || !to)) {
    const [period] = await tx.execute<{ from: string | null; to: string | null }>(
      sql`select min(period_from)::text as from, max(period_to)::text as to from statement_imports where id = any(${uuidArray(importIds)})`,
    );
    from ??= period?.from ?? null;
    to ??= period?.to ?? null;
  }
  if (from && to && from > to) throw new DomainError("VALIDATION", "from must not be after to.", { field: "from" });
  return {
    scope: input.scope,
    provider,
    importIds,
    superseded: supersededRanges(await runImports(tx, importIds)),
    from,
    to,
    dateWindowDays: input.dateWindowDays ?? defaults.dateWindowDays,
    amountTolerance: input.amountTolerance ?? defaults.amountTolerance,
    stuckPaymentMinutes: input.stuckPaymentMinutes ?? defaults.stuckPaymentMinutes,
    stuckWithdrawalMinutes: input.stuckWithdrawalMinutes ?? defaults.stuckWithdrawalMinutes,
    ledgerChecks: input.ledgerChecks ?? input.scope === "ledger",
  };
}

async function runImports(tx: Transaction, importIds: string[]): Promise<RunImport[]> {
  if (importIds.length === 0) return [];
  const rows = await tx.execute<{ id: string; provider: string; created_at: string; period_from: string; period_to: string }>(sql`
    select id, provider, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at, period_from::text, period_to::text
      from statement_imports where id = any(${uuidArray(importIds)}) and status = 'accepted'`);
  return [...rows].map((row) => ({ id: row.id, provider: row.provider, createdAt: row.created_at, periodFrom: row.period_from, periodTo: row.period_to }));
}

/** The statement lines a run compares: its imports' lines in the scope's kinds, less the superseded dates. */
function runLineFilter(parameters: ResolvedParameters, kinds: string[], alias: string): SQL {
  const column = (name: string) => sql.raw(`${alias}.${name}`);
  // One anti-join against the list rather than a condition per range: many overlapping uploads
  // make many ranges, and each line only meets the ranges of its own import.
  const ranges = parameters.superseded.map((range) => sql`(${range.importId}::uuid, ${range.from}::date, ${range.to}::date)`);
  const superseded =
    ranges.length === 0
      ? sql``
      : sql`and not exists (select 1 from (values ${sql.join(ranges, sql`, `)}) as s(import_id, date_from, date_to)
                             where s.import_id = ${column("import_id")} and ${column("booked_on")} between s.date_from and s.date_to)`;
  return sql`${column("import_id")} = any(${uuidArray(parameters.importIds)}) and ${column("kind")}::text = any(${`{${kinds.join(",")}}`}::text[])
             ${parameters.provider ? sql`and ${column("provider")} = ${parameters.provider}` : sql``} ${superseded}`;
}

/** The stable order of ledger items: time, then postings before payment and withdrawal records, then id. */
function itemOrder(alias: string): SQL {
  return sql.raw(`${alias}.occurred_at, ${alias}.source, ${alias}.source_id`);
}

/**
 * Statistics for the joins that follow from a small sample (3,000 rows): enough for the planner to
 * choose hash joins (without them it guesses sizes and sorts for merge joins), at a tenth of the
 * cost of the default sample.
 */
async function analyzeSampled(tx: Transaction, tables: string[]): Promise<void> {
  await tx.execute(sql`set local default_statistics_target = 10`);
  for (const table of tables) await tx.execute(sql.raw(`analyze ${table}`));
  await tx.execute(sql`set local default_statistics_target = default`);
}

/**
 * Computes the run into temporary tables of the transaction (recon_work_matches and
 * recon_work_differences, dropped at commit) and returns its summary. Writes nothing permanent.
 */
export async function computeRun(tx: Transaction, parameters: ResolvedParameters, now = new Date()): Promise<ComputedRun> {
  await tx.execute(sql`set local statement_timeout = '15min'`);
  // A million lines hashed on their reference take about 110 MB, and the groupings that find
  // duplicated references about 180 MB (lines) and 160 MB (items): with less, they spill to
  // temporary files in batches. The limit is per hash, and the pairing statement holds all three at
  // once (about 450 MB for a million of each, measured with EXPLAIN ANALYZE), beside the lines
  // and items it read.
  await tx.execute(sql`set local work_mem = '256MB'`);
  const providerFilter = (column: SQL) => (parameters.provider ? sql`and ${column} = ${parameters.provider}` : sql``);
  const kinds = scopeKinds[parameters.scope];
  const hasStatements = parameters.importIds.length > 0 && kinds.length > 0 && parameters.from !== null && parameters.to !== null;
  const from = parameters.from ?? "1970-01-01";
  const to = parameters.to ?? "1970-01-01";
  const lower = sql`${from}::date::timestamp at time zone 'UTC'`;
  const upper = sql`(${to}::date + 1)::timestamp at time zone 'UTC'`;

  await tx.execute(sql`create temporary table recon_work_matches (line_id bigint not null, transaction_id uuid not null, method text not null) on commit drop`);
  await tx.execute(sql`create temporary table recon_work_differences (
      class text not null, fingerprint text not null, provider text, reference text, line_id bigint, transaction_id uuid,
      account_id uuid, currency char(3), statement_amount numeric, ledger_amount numeric, amount numeric, occurred_on date,
      details jsonb not null default '{}') on commit drop`);

  let statementLines = 0;
  let ledgerItems = 0;
  let consistentUnbooked = 0;
  let referenceMatches = 0;
  let matchedTransactions = 0;
  if (hasStatements) {
    // The ledger side: postings that carry the provider, and the payment and withdrawal records, of
    // the providers whose statements are in the run only: without a statement from a provider,
    // none of its items is "missing at the provider".
    const itemProviderFilter = (column: SQL) => (parameters.provider ? providerFilter(column) : sql`and ${column} in (select distinct provider from run_lines)`);
    const itemsQuery =
      parameters.scope === "payments"
        ? sql`
          select t.metadata->>'provider' as provider, t.external_reference as reference, t.id as transaction_id, t.amount, t.currency::text as currency,
                 (t.occurred_at at time zone 'UTC')::date as occurred_on, 'paid' as status, t.occurred_at, 1 as source, t.id as source_id
            from ledger_transactions t
           where t.kind = 'deposit' and t.occurred_at >= ${lower} and t.occurred_at < ${upper} and t.external_reference is not null
             and t.metadata ? 'provider' ${itemProviderFilter(sql`t.metadata->>'provider'`)}
          union all
          select p.provider, p.payment_id, p.ledger_transaction_id, p.amount, p.currency::text, (p.occurred_at at time zone 'UTC')::date,
                 case p.status when 'succeeded' then 'paid' else 'failed' end, p.occurred_at, 2, p.id
            from provider_payments p
           where p.occurred_at >= ${lower} and p.occurred_at < ${upper} ${itemProviderFilter(sql`p.provider`)}`
        : sql`
          select t.metadata->>'provider' as provider, t.external_reference as reference, t.id as transaction_id, t.amount, t.currency::text as currency,
                 (t.occurred_at at time zone 'UTC')::date as occurred_on, 'paid' as status, t.occurred_at, 1 as source, t.id as source_id
            from ledger_transactions t
           where t.kind = 'withdrawal' and t.occurred_at >= ${lower} and t.occurred_at < ${upper} and t.external_reference is not null
             and t.metadata ? 'provider' ${itemProviderFilter(sql`t.metadata->>'provider'`)}
          union all
          select w.provider, w.withdrawal_id, coalesce(w.settle_transaction_id, w.hold_transaction_id), w.amount, w.currency::text,
                 (w.requested_at at time zone 'UTC')::date, case w.status when 'requested' then 'pending' else w.status::text end, w.requested_at, 2, w.id
            from provider_withdrawals w
           where w.requested_at >= ${lower} and w.requested_at < ${upper} ${itemProviderFilter(sql`w.provider`)}`;
    const tolerance = sql`${parameters.amountTolerance}::numeric`;
    // What classifies a pair of a line and an item: currency, then amount, then status; a clean
    // pair with a posting is a match.
    const pairClass = sql`case when l.currency <> i.currency then 'currency_mismatch'
                  when abs(l.amount - i.amount) > ${tolerance} then 'amount_mismatch'
                  when l.status <> i.status then 'status_mismatch' end`;
    await tx.execute(sql`
      create temporary table recon_joined (
        line_id bigint, source int, source_id uuid, provider text not null, line_reference text, item_reference text, transaction_id uuid,
        kind text, duplicate boolean, covers text[], line_currency text, item_currency text, line_amount numeric, item_amount numeric,
        line_status text, item_status text, booked_on date, occurred_on date, occurred_at timestamptz, class text) on commit drop`);
    // One statement reads the lines and the items once and pairs them by reference in ONE hash full
    // join, classified in the same pass:
    // - Lines: the chosen imports' lines in the scope's kinds. The first line of a (provider,
    //   reference, kind) is the one with the lowest id (the earlier import, then the earlier row);
    //   the others are duplicates. Found by hashing, not by sorting every line.
    // - Items: of those sharing a (provider, reference), the first in the stable order (time, then
    //   postings before payment and withdrawal records, then id: itemOrder) pairs; the others are
    //   "shadowed". An item is "shared" when another item names the same ledger transaction (a
    //   posting and the payment record that booked it). A posting's transaction is its own id, so
    //   only a transaction a record names can be shared: the records are hashed, not all items.
    // - A duplicate or settlement line, and a shadowed item, join on a null reference: each line
    //   and each item comes out exactly once, paired or alone.
    // The clean pairs by reference (a posting, no difference) are most of a large run: they are
    // only counted. The rest goes to recon_joined for the steps that follow: every difference,
    // every unpaired line or item, and the clean pairs whose transaction may be counted twice
    // (a shared item, or one a settlement line covers).
    const [read] = await tx.execute<{ lines: number; items: number; alone: number }>(sql`
      with run_lines as materialized (
        select id as line_id, provider, reference, kind::text as kind, status, amount, currency::text as currency, booked_on, covers
          from statement_lines l
         where ${runLineFilter(parameters, kinds, "l")}),
      repeated as materialized (
        select provider, reference, kind, min(line_id) as first_line_id, count(*) as lines
          from run_lines group by provider, reference, kind having count(*) > 1),
      lines as (
        select l.*, coalesce(l.line_id <> r.first_line_id, false) as duplicate
          from run_lines l left join repeated r on r.provider = l.provider and r.reference = l.reference and r.kind = l.kind),
      run_items as materialized (${itemsQuery}),
      firsts as (
        select distinct on (i.provider, i.reference) i.provider, i.reference, i.source, i.source_id
          from run_items i
         where (i.provider, i.reference) in (select provider, reference from run_items group by provider, reference having count(*) > 1)
         order by i.provider, i.reference, ${itemOrder("i")}),
      shared as (
        select transaction_id from run_items
         where transaction_id in (select transaction_id from run_items where source = 2)
         group by transaction_id having count(*) > 1),
      items as (
        select i.*, coalesce(f.source <> i.source or f.source_id <> i.source_id, false) as shadowed, s.transaction_id is not null as shared
          from run_items i
          left join firsts f on f.provider = i.provider and f.reference = i.reference
          left join shared s on s.transaction_id = i.transaction_id),
      covered_references as (
        select distinct provider, unnest(covers) as reference from run_lines where kind = 'settlement'),
      joined as (
        select l.line_id, i.source, i.source_id, coalesce(l.provider, i.provider) as provider, l.reference as line_reference, i.reference as item_reference,
               i.transaction_id, l.kind, l.duplicate, l.covers, l.currency as line_currency, i.currency as item_currency, l.amount as line_amount,
               i.amount as item_amount, l.status as line_status, i.status as item_status, l.booked_on, i.occurred_on, i.occurred_at,
               case when l.line_id is not null and i.source is not null then ${pairClass} end as class,
               i.shared or c.reference is not null as counted_apart
          from lines l
          full join items i
            on i.provider = l.provider
           and (case when not i.shadowed then i.reference end) = (case when not l.duplicate and l.kind <> 'settlement' then l.reference end)
          left join covered_references c on c.provider = i.provider and c.reference = i.reference),
      kept as (
        insert into recon_joined (line_id, source, source_id, provider, line_reference, item_reference, transaction_id, kind, duplicate, covers,
                                  line_currency, item_currency, line_amount, item_amount, line_status, item_status, booked_on, occurred_on, occurred_at, class)
        select line_id, source, source_id, provider, line_reference, item_reference, transaction_id, kind, duplicate, covers,
               line_currency, item_currency, line_amount, item_amount, line_status, item_status, booked_on, occurred_on, occurred_at, class
          from joined
         where not (line_id is not null and source is not null and class is null and transaction_id is not null and not counted_apart)
        returning line_id, duplicate, kind)
      select (select count(*) from run_lines)::int as lines,
             (select count(*) from run_items)::int as items,
             ((select count(*) from run_lines where kind <> 'settlement')
              - (select coalesce(sum(lines - 1), 0) from repeated where kind <> 'settlement')
              - (select count(*) from kept where line_id is not null and not duplicate and kind <> 'settlement'))::int as alone`);
    await analyzeSampled(tx, ["recon_joined"]);
    // The pairs by reference that recon_joined holds: the others are the clean pairs only counted ("alone").
    const referencePair = sql`line_id is not null and source is not null`;

    // Duplicates at the provider: one difference per reference, naming the extra lines.
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, line_id, currency, statement_amount, amount, occurred_on, details)
      select 'duplicate_at_provider', 'duplicate_at_provider:' || provider || ':' || kind || ':' || line_reference, provider, line_reference, min(line_id),
             min(line_currency), sum(line_amount), sum(line_amount), min(booked_on), jsonb_build_object('extraLines', count(*), 'kind', kind)
        from recon_joined where duplicate group by provider, line_reference, kind`);
    // Settlement lines: every covered reference against the items (all of them: a covered
    // reference's items are all in recon_joined).
    await tx.execute(sql`
      create temporary table recon_covered on commit drop as
      select l.line_id, l.provider, l.line_reference as settlement_reference, l.line_currency as currency, l.line_amount as amount, l.line_status as status,
             l.booked_on, c.reference, i.source, i.source_id, i.transaction_id, i.item_amount, i.item_currency, i.item_status
        from recon_joined l cross join lateral unnest(l.covers) as c(reference)
        left join recon_joined i on i.source is not null and i.provider = l.provider and i.item_reference = c.reference
       where l.kind = 'settlement' and not l.duplicate`);
    // What the reference left unpaired, once: every later step reads these small tables.
    await tx.execute(sql`
      create temporary table recon_free_lines on commit drop as
      select line_id, provider, line_reference as reference, kind, line_status as status, line_amount as amount, line_currency as currency, booked_on
        from recon_joined where line_id is not null and source is null and not duplicate and kind <> 'settlement'`);
    await tx.execute(sql`
      create temporary table recon_free_items on commit drop as
      select source, source_id, provider, item_reference as reference, transaction_id, item_amount as amount, item_currency as currency, occurred_on,
             item_status as status, occurred_at
        from recon_joined j
       where line_id is null and not exists (select 1 from recon_covered c where c.source = j.source and c.source_id = j.source_id)`);
    await analyzeSampled(tx, ["recon_free_lines", "recon_free_items"]);
    // Amount + currency within the date window, one-to-one, for what is still unpaired.
    await tx.execute(sql`
      create temporary table recon_date_pairs on commit drop as
      with free_lines as (
        select l.*, row_number() over (partition by l.provider, l.currency, l.amount order by l.booked_on, l.line_id) as rank from recon_free_lines l),
      free_items as (
        select i.*, row_number() over (partition by i.provider, i.currency, i.amount order by i.occurred_on, ${itemOrder("i")}) as rank from recon_free_items i)
      select l.line_id, i.source, i.source_id, l.provider, l.reference as line_reference, i.reference as item_reference, i.transaction_id,
             l.currency as line_currency, i.currency as item_currency, l.amount as line_amount, i.amount as item_amount,
             l.status as line_status, i.status as item_status, l.booked_on, i.occurred_on, ${pairClass} as class
        from free_lines l join free_items i on i.provider = l.provider and i.currency = l.currency and i.amount = l.amount and i.rank = l.rank
       where abs(l.booked_on - i.occurred_on) <= ${parameters.dateWindowDays}`);

    const pairFields = sql.raw(
      "class, provider, line_reference, item_reference, line_id, transaction_id, line_currency, item_currency, line_amount, item_amount, line_status, item_status, booked_on, occurred_on",
    );
    // Matches by reference are counted, not stored; the others are kept to be stored.
    await tx.execute(sql`
      insert into recon_work_matches (line_id, transaction_id, method)
      select line_id, transaction_id, 'amount_date' from recon_date_pairs where class is null and transaction_id is not null`);
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, line_id, transaction_id, currency, statement_amount, ledger_amount, amount, occurred_on, details)
      select class, class || ':' || provider || ':' || item_reference, provider, item_reference, line_id, transaction_id, line_currency, line_amount, item_amount,
             case when class = 'amount_mismatch' then abs(line_amount - item_amount) else line_amount end, booked_on,
             jsonb_build_object('method', method, 'statementStatus', line_status, 'ledgerStatus', item_status, 'statementCurrency', line_currency,
                                'ledgerCurrency', item_currency, 'statementReference', line_reference, 'ledgerDate', occurred_on)
        from (select 'reference' as method, ${pairFields} from recon_joined where class is not null
              union all
              select 'amount_date', ${pairFields} from recon_date_pairs where class is not null) pair`);

    // Settlements: complete and equal is a one-to-many match; otherwise the difference it shows.
    await tx.execute(sql`
      create temporary table recon_settlements on commit drop as
      select line_id, provider, settlement_reference as reference, currency, amount, booked_on,
             count(*) as covered, count(source) as found,
             coalesce(sum(item_amount) filter (where item_currency = currency), 0) as found_sum,
             count(*) filter (where item_currency is not null and item_currency <> currency) as other_currency,
             count(*) filter (where item_status is not null and item_status <> status) as other_status
        from recon_covered
       group by line_id, provider, settlement_reference, currency, amount, booked_on`);
    await tx.execute(sql`
      insert into recon_work_matches (line_id, transaction_id, method)
      select s.line_id, c.transaction_id, 'settlement'
        from recon_settlements s join recon_covered c on c.line_id = s.line_id
       where s.covered = s.found and s.other_currency = 0 and s.other_status = 0 and abs(s.found_sum - s.amount) <= ${tolerance} and c.transaction_id is not null`);
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, line_id, currency, statement_amount, ledger_amount, amount, occurred_on, details)
      select case when s.other_currency > 0 then 'currency_mismatch' when s.other_status > 0 then 'status_mismatch' else 'amount_mismatch' end,
             (case when s.other_currency > 0 then 'currency_mismatch' when s.other_status > 0 then 'status_mismatch' else 'amount_mismatch' end) || ':' || s.provider || ':' || s.reference,
             s.provider, s.reference, s.line_id, s.currency, s.amount, s.found_sum, abs(s.amount - s.found_sum), s.booked_on,
             jsonb_build_object('settlement', true, 'covered', s.covered, 'found', s.found)
        from recon_settlements s
       where s.covered = s.found and (s.other_currency > 0 or s.other_status > 0 or abs(s.found_sum - s.amount) > ${tolerance})`);
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, line_id, currency, statement_amount, amount, occurred_on, details)
      select 'missing_in_ledger', 'missing_in_ledger:' || c.provider || ':' || c.reference, c.provider, c.reference, c.line_id, c.currency, null, null, c.booked_on,
             jsonb_build_object('settlement', c.settlement_reference, 'statementStatus', c.status)
        from recon_covered c
       where c.source is null`);

    // Unpaired lines the provider reports paid: missing in our ledger.
    const stillFreeLine = sql`not exists (select 1 from recon_date_pairs p where p.line_id = l.line_id)`;
    const stillFreeItem = sql`not exists (select 1 from recon_date_pairs p where p.source = i.source and p.source_id = i.source_id)`;
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, line_id, currency, statement_amount, amount, occurred_on, details)
      select 'missing_in_ledger', 'missing_in_ledger:' || l.provider || ':' || l.reference, l.provider, l.reference, l.line_id, l.currency, l.amount, l.amount, l.booked_on,
             jsonb_build_object('kind', l.kind, 'statementStatus', l.status)
        from recon_free_lines l
       where l.status = 'paid' and ${stillFreeLine}`);
    // Unpaired items we hold as paid or pending: missing at the provider.
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, transaction_id, currency, ledger_amount, amount, occurred_on, details)
      select 'missing_at_provider', 'missing_at_provider:' || i.provider || ':' || i.reference, i.provider, i.reference, i.transaction_id, i.currency, i.amount, i.amount, i.occurred_on,
             jsonb_build_object('ledgerStatus', i.status)
        from recon_free_items i
       where i.status <> 'failed' and ${stillFreeItem}`);

    // Matched ledger transactions without a distinct count over every pair: the clean pairs only
    // counted ("alone": not shared, not covered by a settlement) name transactions that no other
    // match names; the rest (the clean pairs recon_joined holds, and the matches by amount and
    // date or by a settlement) are few, and counted distinct.
    const [counts] = await tx.execute<{ unbooked: number; reference: number; transactions: number }>(sql`
      select ((select count(*) from recon_free_lines l where l.status <> 'paid' and ${stillFreeLine})
              + (select count(*) from recon_joined where ${referencePair} and class is null and transaction_id is null)
              + (select count(*) from recon_date_pairs where class is null and transaction_id is null)
              + (select count(*) from recon_free_items i where i.status = 'failed' and ${stillFreeItem}))::int as unbooked,
             (select count(*) from recon_joined where ${referencePair} and class is null and transaction_id is not null)::int as reference,
             (select count(*) from (select transaction_id from recon_joined where ${referencePair} and class is null and transaction_id is not null
                                    union
                                    select transaction_id from recon_work_matches) t)::int as transactions`);
    const alone = read?.alone ?? 0;
    statementLines = read?.lines ?? 0;
    ledgerItems = read?.items ?? 0;
    consistentUnbooked = counts?.unbooked ?? 0;
    referenceMatches = alone + (counts?.reference ?? 0);
    matchedTransactions = alone + (counts?.transactions ?? 0);
  }

  // Stuck payments: payment events received and still not applied (pending or dead) past the threshold.
  if (parameters.scope === "payments" || parameters.scope === "ledger") {
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, currency, amount, occurred_on, details)
      select 'stuck_payment', 'stuck_payment:' || w.provider || ':' || coalesce(w.payload->'data'->>'paymentId', w.event_id), w.provider,
             coalesce(w.payload->'data'->>'paymentId', w.event_id),
             case when w.payload->'data'->>'currency' ~ '^[A-Z]{3}$' then w.payload->'data'->>'currency' end,
             case when w.payload->'data'->>'amount' ~ '^(0|[1-9][0-9]{0,19})(\.[0-9]{1,18})?$' then (w.payload->'data'->>'amount')::numeric end,
             (w.received_at at time zone 'UTC')::date,
             jsonb_build_object('eventId', w.event_id, 'eventType', w.event_type, 'inboxStatus', w.status::text, 'receivedAt', w.received_at, 'lastErrorClass', w.last_error_class)
        from (select distinct on (provider, coalesce(payload->'data'->>'paymentId', event_id)) *
                from webhook_inbox
               where event_type like 'payment.%' and status in ('pending', 'dead')
                 and received_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${parameters.stuckPaymentMinutes}) ${providerFilter(sql`provider`)}
               order by provider, coalesce(payload->'data'->>'paymentId', event_id), received_at) w`);
  }
  // Stuck withdrawals: requested and neither paid nor failed past the threshold.
  if (parameters.scope === "withdrawals" || parameters.scope === "ledger") {
    await tx.execute(sql`
      insert into recon_work_differences (class, fingerprint, provider, reference, transaction_id, currency, ledger_amount, amount, occurred_on, details)
      select 'stuck_withdrawal', 'stuck_withdrawal:' || provider || ':' || withdrawal_id, provider, withdrawal_id, hold_transaction_id, currency, amount, amount,
             (requested_at at time zone 'UTC')::date, jsonb_build_object('requestedAt', requested_at)
        from provider_withdrawals
       where status = 'requested' and requested_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${parameters.stuckWithdrawalMinutes}) ${providerFilter(sql`provider`)}`);
  }

  let ledger: RunSummary["ledger"] = null;
  if (parameters.ledgerChecks) {
    const verification = await verifyLedger(tx);
    ledger = { ok: verification.ok, transactions: verification.transactions, accounts: verification.accounts };
    const accountCurrencies = new Map<string, string>();
    if (verification.balanceMismatches.length > 0) {
      const rows = await tx.execute<{ id: string; currency: string }>(
        sql`select id, currency::text from accounts where id = any(${uuidArray(verification.balanceMismatches.map((row) => row.accountId))})`,
      );
      for (const row of rows) accountCurrencies.set(row.id, row.currency);
    }
    for (const row of verification.balanceMismatches) {
      await tx.execute(sql`
        insert into recon_work_differences (class, fingerprint, account_id, currency, statement_amount, ledger_amount, amount, details)
        values ('balance_mismatch', ${`balance_mismatch:${row.accountId}`}, ${row.accountId}, ${accountCurrencies.get(row.accountId) ?? null},
                ${row.cached}::numeric, ${row.derived}::numeric, abs(${row.cached}::numeric - ${row.derived}::numeric),
                ${JSON.stringify({ code: row.code, cachedEntryCount: row.cachedEntryCount, entryCount: row.entryCount })}::jsonb)`);
    }
    for (const row of verification.trialBalance) {
      if (/^0(\.0+)?$/.test(row.sum)) continue;
      await tx.execute(sql`
        insert into recon_work_differences (class, fingerprint, currency, ledger_amount, amount, details)
        values ('trial_balance', ${`trial_balance:${row.currency}`}, ${row.currency}, ${row.sum}::numeric, abs(${row.sum}::numeric),
                ${JSON.stringify({ unbalancedTransactions: verification.unbalancedTransactions.filter((item) => item.currency === row.currency).slice(0, 20) })}::jsonb)`);
    }
  }

  // A difference about one ledger transaction names the customer account it moved (wallet or
  // withdrawal hold): that is where a correcting adjustment goes, so the exception can offer one.
  await tx.execute(sql`
    update recon_work_differences d set account_id = customer.account_id
      from (select distinct on (e.transaction_id) e.transaction_id, e.account_id
              from ledger_entries e join accounts a on a.id = e.account_id
             where a.customer_id is not null
               and e.transaction_id in (select transaction_id from recon_work_differences where transaction_id is not null and account_id is null)
             order by e.transaction_id, a.purpose = 'wallet' desc, e.id) as customer
     where d.account_id is null and d.transaction_id = customer.transaction_id`);

  const byClass = await tx.execute<{ class: DifferenceClass; currency: string | null; count: number; amount: string | null }>(sql`
    select class, currency::text as currency, count(*)::int as count, sum(amount)::text as amount
      from recon_work_differences group by class, currency order by class, currency`);
  const [matchCounts] = await tx.execute<{ amount_date: number; settlement: number; differences: number }>(sql`
    select (select count(distinct line_id) from recon_work_matches where method = 'amount_date')::int as amount_date,
           (select count(distinct line_id) from recon_work_matches where method = 'settlement')::int as settlement,
           (select count(*) from recon_work_differences)::int as differences`);
  // A line is matched by one method at most: by reference and by amount and date only when
  // unpaired before, by settlement only as a settlement line.
  const matchedLines = referenceMatches + (matchCounts?.amount_date ?? 0) + (matchCounts?.settlement ?? 0);
  const summary: RunSummary = {
    statementLines,
    ledgerItems,
    matchedLines,
    matchedTransactions,
    matchedByMethod: { reference: referenceMatches, amount_date: matchCounts?.amount_date ?? 0, settlement: matchCounts?.settlement ?? 0 },
    matchedShare: statementLines > 0 ? shareOf(matchedLines, statementLines) : null,
    consistentUnbooked,
    differences: matchCounts?.differences ?? 0,
    byClass: [...byClass].map((row) => ({ class: row.class, currency: row.currency, count: row.count, amount: row.amount === null ? null : trimNumeric(row.amount) })),
    ledger,
  };
  return {
    parameters,
    windowFrom: hasStatements ? new Date(`${from}T00:00:00Z`) : null,
    windowTo: hasStatements ? new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) : null,
    summary,
  };
}

/** A share as a decimal string with 4 places, computed on integers (no floating point). */
function shareOf(part: number, whole: number): string {
  const scaled = (BigInt(part) * 10_000n + BigInt(whole) / 2n) / BigInt(whole);
  return `${scaled / 10_000n}.${(scaled % 10_000n).toString().padStart(4, "0")}`;
}

function trimNumeric(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** The computed differences, for a dry run's answer (capped). */
export async function workDifferences(tx: Transaction, limit: number): Promise<DifferenceView[]> {
  const rows = await tx.execute<Record<string, unknown>>(sql`
    select class, fingerprint, provider, reference, line_id::int as line_id, transaction_id, account_id, currency::text as currency,
           statement_amount::text as statement_amount, ledger_amount::text as ledger_amount, amount::text as amount, occurred_on::text as occurred_on, details
      from recon_work_differences order by class, fingerprint limit ${limit}`);
  return [...rows].map((row) => ({
    class: row.class as DifferenceClass,
    fingerprint: row.fingerprint as string,
    provider: (row.provider as string | null) ?? null,
    reference: (row.reference as string | null) ?? null,
    lineId: (row.line_id as number | null) ?? null,
    transactionId: (row.transaction_id as string | null) ?? null,
    accountId: (row.account_id as string | null) ?? null,
    currency: (row.currency as string | null) ?? null,
    statementAmount: (row.statement_amount as string | null) ?? null,
    ledgerAmount: (row.ledger_amount as string | null) ?? null,
    amount: (row.amount as string | null) ?? null,
    occurredOn: (row.occurred_on as string | null) ?? null,
    details: (row.details as Record<string, unknown>) ?? {},
  }));
}

export interface RecordedRun {
  runId: string;
  status: "completed" | "failed";
  summary: RunSummary | null;
  failureReason: string | null;
  exceptionsOpened: number;
  exceptionsSeenAgain: number;
}

/**
 * Records a run: computes it under a savepoint, then writes the run row, its matches made by
 * amount and date or by a settlement (reference matches are counted in the summary), its
 * differences and the exceptions (one per fingerprint while unresolved; a known open one only gets
 * last_run_id) in the caller's transaction, which also holds the audit record. A failure of the
 * computation is recorded as a failed run with its reason.
 */
export async function recordRun(
  tx: Transaction,
  input: { parameters: ResolvedParameters; trigger: "manual" | "schedule"; requestedBy: string; now?: Date },
): Promise<RecordedRun> {
  const runId = uuidv7();
  const startedAt = new Date();
  const now = input.now ?? startedAt;
  let computed: ComputedRun | null = null;
  let failureReason: string | null = null;
  try {
    computed = await tx.transaction(async (savepoint) => {
      // The work tables outlive the released savepoint and are dropped at commit.
      return computeRun(savepoint, input.parameters, now);
    });
  } catch (error) {
    if (error instanceof DomainError) throw error;
    failureReason = error instanceof Error ? error.message.slice(0, 500) : "the run failed";
  }
  const parametersJson = { ...input.parameters };
  await tx.execute(sql`
    insert into recon_runs (id, scope, mode, trigger, status, provider, parameters, import_ids, window_from, window_to, summary, failure_reason, requested_by, started_at, finished_at)
    values (${runId}, ${input.parameters.scope}, 'recorded', ${input.trigger}, ${computed ? "completed" : "failed"}, ${input.parameters.provider},
            ${JSON.stringify(parametersJson)}::jsonb, ${uuidArray(input.parameters.importIds)}, ${computed?.windowFrom?.toISOString() ?? null}::timestamptz,
            ${computed?.windowTo?.toISOString() ?? null}::timestamptz, ${JSON.stringify(computed?.summary ?? {})}::jsonb, ${failureReason}, ${input.requestedBy},
            ${startedAt.toISOString()}::timestamptz, clock_timestamp())`);
  if (!computed) return { runId, status: "failed", summary: null, failureReason, exceptionsOpened: 0, exceptionsSeenAgain: 0 };

  // Matches by reference are counted in the summary (matchedByMethod.reference), not stored row by
  // row: each is the line and the ledger item carrying the same reference, so it follows from the
  // run's imports and the ledger, and a row per pair (each checked against two foreign keys) was
  // most of a large run's time. The matches a person may need to see how they were made (by
  // amount and date, or by a settlement) are stored.
  await tx.execute(sql`
    insert into recon_matches (run_id, line_id, transaction_id, method)
    select ${runId}, line_id, transaction_id, method::recon_match_method from recon_work_matches where method <> 'reference'`);
  await tx.execute(sql`
    insert into recon_differences (id, run_id, class, fingerprint, provider, reference, line_id, transaction_id, account_id, currency, statement_amount, ledger_amount, amount, occurred_on, details)
    select gen_random_uuid(), ${runId}, class::recon_difference_class, fingerprint, provider, reference, line_id, transaction_id, account_id, currency,
           statement_amount, ledger_amount, amount, occurred_on, details
      from recon_work_differences`);
  // One exception per fingerprint while unresolved; sorted so concurrent runs lock in one order.
  const upserted = await tx.execute<{ opened: boolean }>(sql`
    insert into recon_exceptions (id, fingerprint, class, status, difference_id, first_run_id, last_run_id, provider, reference, account_id, transaction_id, currency, amount)
    select gen_random_uuid(), d.fingerprint, d.class, 'open', d.id, ${runId}, ${runId}, d.provider, d.reference, d.account_id, d.transaction_id, d.currency, d.amount
      from (select distinct on (fingerprint) * from recon_differences where run_id = ${runId} order by fingerprint, id) d
     order by d.fingerprint
    on conflict (fingerprint) where status <> 'resolved'
    do update set last_run_id = excluded.last_run_id, updated_at = now()
    returning (xmax = 0) as opened`);
  const opened = [...upserted].filter((row) => row.opened).length;
  return { runId, status: "completed", summary: computed.summary, failureReason: null, exceptionsOpened: opened, exceptionsSeenAgain: upserted.length - opened };
}

/** A dry run: the same computation, answered and rolled back; no run, difference or exception is written. */
export async function dryRun(tx: Transaction, parameters: ResolvedParameters, differencesMax = 500, now = new Date()): Promise<{ summary: RunSummary; differences: DifferenceView[]; windowFrom: Date | null; windowTo: Date | null }> {
  class Discard extends Error {
    constructor(readonly value: { summary: RunSummary; differences: DifferenceView[]; windowFrom: Date | null; windowTo: Date | null }) {
      super("discard");
    }
  }
  try {
    await tx.transaction(async (savepoint) => {
      const computed = await computeRun(savepoint, parameters, now);
      const differences = await workDifferences(savepoint, differencesMax);
      throw new Discard({ summary: computed.summary, differences, windowFrom: computed.windowFrom, windowTo: computed.windowTo });
    });
  } catch (error) {
    if (error instanceof Discard) return error.value;
    throw error;
  }
  throw new Error("unreachable: the dry run's savepoint always rolls back");
}
