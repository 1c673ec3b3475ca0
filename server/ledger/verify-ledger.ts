import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";

export interface LedgerVerification {
  ok: boolean;
  transactions: number;
  entries: number;
  accounts: number;
  unbalancedTransactions: { transactionId: string; currency: string; difference: string }[];
  transactionsWithTooFewEntries: { transactionId: string; entries: number }[];
  trialBalance: { currency: string; sum: string }[];
  balanceMismatches: { accountId: string; code: string; cached: string; derived: string; cachedEntryCount: number; entryCount: number }[];
  elapsedMs: number;
}

const reportLimit = 100;

/**
 * Recomputes the ledger's invariants from the entries themselves: every transaction balanced per
 * currency with at least two entries, the trial balance zero per currency, and every cached balance
 * equal to the sum of its entries on the account's normal side.
 */
export async function verifyLedger(db: Executor): Promise<LedgerVerification> {
  const started = performance.now();
  const unbalanced = await db.execute<{ transaction_id: string; currency: string; difference: string }>(sql`
    select transaction_id, currency, sum(amount)::text as difference
      from ledger_entries group by transaction_id, currency having sum(amount) <> 0
     limit ${reportLimit}`);
  const tooFew = await db.execute<{ transaction_id: string; entries: number }>(sql`
    select t.id as transaction_id, count(e.id)::int as entries
      from ledger_transactions t left join ledger_entries e on e.transaction_id = t.id
     group by t.id having count(e.id) < 2 limit ${reportLimit}`);
  const trial = await db.execute<{ currency: string; sum: string }>(sql`
    select c.code as currency, coalesce(sum(e.amount), 0)::text as sum
      from currencies c left join ledger_entries e on e.currency = c.code
     group by c.code order by c.code`);
  const mismatches = await db.execute<{ account_id: string; code: string; cached: string; derived: string; cached_entry_count: number; entry_count: number }>(sql`
    with derived as (
      select account_id, sum(amount) as debit_minus_credit, count(*) as entry_count
        from ledger_entries group by account_id
    )
    select a.id as account_id, a.code, b.balance::text as cached,
           (case when a.type in ('asset', 'expense') then 1 else -1 end * coalesce(d.debit_minus_credit, 0))::text as derived,
           b.entry_count::int as cached_entry_count, coalesce(d.entry_count, 0)::int as entry_count
      from accounts a
      join account_balances b on b.account_id = a.id
      left join derived d on d.account_id = a.id
     where b.balance <> case when a.type in ('asset', 'expense') then 1 else -1 end * coalesce(d.debit_minus_credit, 0)
        or b.entry_count <> coalesce(d.entry_count, 0)
     limit ${reportLimit}`);
  const [counts] = await db.execute<{ transactions: number; entries: number; accounts: number }>(sql`
    select (select count(*) from ledger_transactions)::int as transactions,
           (select count(*) from ledger_entries)::int as entries,
           (select count(*) from accounts)::int as accounts`);
  const trialBalance = [...trial].map((row) => ({ currency: row.currency, sum: row.sum }));
  const result = {
    transactions: counts?.transactions ?? 0,
    entries: counts?.entries ?? 0,
    accounts: counts?.accounts ?? 0,
    unbalancedTransactions: [...unbalanced].map((row) => ({ transactionId: row.transaction_id, currency: row.currency, difference: row.difference })),
    transactionsWithTooFewEntries: [...tooFew].map((row) => ({ transactionId: row.transaction_id, entries: row.entries })),
    trialBalance,
    balanceMismatches: [...mismatches].map((row) => ({
      accountId: row.account_id,
      code: row.code,
      cached: row.cached,
      derived: row.derived,
      cachedEntryCount: row.cached_entry_count,
      entryCount: row.entry_count,
    })),
  };
  const ok =
    result.unbalancedTransactions.length === 0 &&
    result.transactionsWithTooFewEntries.length === 0 &&
    result.balanceMismatches.length === 0 &&
    trialBalance.every((row) => /^0(\.0+)?$/.test(row.sum));
  return { ok, ...result, elapsedMs: performance.now() - started };
}

export function describeLedgerVerification(result: LedgerVerification): string[] {
  const lines: string[] = [];
  for (const row of result.unbalancedTransactions) lines.push(`unbalanced transaction ${row.transactionId}: ${row.currency} off by ${row.difference}`);
  for (const row of result.transactionsWithTooFewEntries) lines.push(`transaction ${row.transactionId} has ${row.entries} entries (needs at least 2)`);
  for (const row of result.trialBalance) if (!/^0(\.0+)?$/.test(row.sum)) lines.push(`trial balance ${row.currency} is ${row.sum}, not zero`);
  for (const row of result.balanceMismatches) {
    lines.push(`account ${row.code} (${row.accountId}): cached ${row.cached} (${row.cachedEntryCount} entries) but entries sum to ${row.derived} (${row.entryCount} entries)`);
  }
  if (lines.length === 0) lines.push(`ledger consistent: ${result.transactions} transactions, ${result.entries} entries, ${result.accounts} accounts; trial balance zero in every currency`);
  return lines;
}
