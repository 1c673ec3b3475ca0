import { and, asc, desc, eq, gte, lte, or, sql, type SQL } from "drizzle-orm";
import { executePrepared, type Executor } from "@/db/client";
import { accountBalances, accounts, customerPii, customers, ledgerEntries, ledgerTransactions } from "@/db/schema";
import { DomainError } from "../errors";
import { MoneyDecimal, parseAmount, requireCurrency } from "../money";
import type { SearchTransactionsInput, TransactionRow } from "./schemas";
import { isDebitNormal, type AccountType } from "./types";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const rowColumns = {
  id: ledgerTransactions.id,
  kind: ledgerTransactions.kind,
  amount: ledgerTransactions.amount,
  currency: ledgerTransactions.currency,
  externalReference: ledgerTransactions.externalReference,
  correlationId: ledgerTransactions.correlationId,
  idempotencyKey: ledgerTransactions.idempotencyKey,
  initiatorType: ledgerTransactions.initiatorType,
  initiatedBy: ledgerTransactions.initiatedBy,
  occurredAt: ledgerTransactions.occurredAt,
  bookedAt: ledgerTransactions.bookedAt,
  reversesTransactionId: ledgerTransactions.reversesTransactionId,
};

/** The customer a search term names exactly (by id or email), if any. */
async function customerMatching(db: Executor, q: string): Promise<string | null> {
  if (uuidPattern.test(q)) {
    const [row] = await db.select({ id: customers.id }).from(customers).where(eq(customers.id, q));
    if (row) return row.id;
  }
  if (q.includes("@")) {
    const [row] = await db.select({ id: customerPii.customerId }).from(customerPii).where(eq(sql`lower(${customerPii.email})`, q.toLowerCase()));
    if (row) return row.id;
  }
  const [byRef] = await db.select({ id: customers.id }).from(customers).where(eq(customers.externalRef, q));
  return byRef?.id ?? null;
}

function transactionsOfAccounts(accountIds: SQL): SQL {
  return sql`${ledgerTransactions.id} in (select ${ledgerEntries.transactionId} from ${ledgerEntries} where ${ledgerEntries.accountId} in ${accountIds})`;
}

/**
 * The money filters, parsed strictly (a DomainError naming the field on bad input). Amounts are
 * checked against the filter's currency, or against the finest exponent when none is given.
 */
export function parseMoneyFilters(input: Pick<SearchTransactionsInput, "currency" | "amountMin" | "amountMax">) {
  const currency = input.currency ? requireCurrency(input.currency).code : undefined;
  const amountCurrency = currency ?? "BTC";
  return {
    currency,
    amountMin: input.amountMin ? parseAmount(input.amountMin, amountCurrency, { field: "amountMin", allowZero: true }) : undefined,
    amountMax: input.amountMax ? parseAmount(input.amountMax, amountCurrency, { field: "amountMax", allowZero: true }) : undefined,
  };
}

/**
 * The support search: one exact-match box plus filters, newest (or oldest) first, keyset-paginated
 * on (time, id) so page 1,000 costs what page 1 does.
 */
export async function searchTransactions(db: Executor, input: SearchTransactionsInput): Promise<{ items: TransactionRow[]; nextCursor: { at: string; id: string } | null; matched: "transaction" | "customer" | "none" | null }> {
  const filters: SQL[] = [];
  let matched: "transaction" | "customer" | "none" | null = null;
  if (input.q) {
    const customerId = await customerMatching(db, input.q);
    if (customerId) {
      matched = "customer";
      filters.push(transactionsOfAccounts(sql`(select ${accounts.id} from ${accounts} where ${accounts.customerId} = ${customerId})`));
    } else {
      matched = "transaction";
      const exact = [eq(ledgerTransactions.idempotencyKey, input.q), eq(ledgerTransactions.externalReference, input.q), eq(ledgerTransactions.correlationId, input.q)];
      if (uuidPattern.test(input.q)) exact.push(eq(ledgerTransactions.id, input.q));
      filters.push(or(...exact) as SQL);
    }
  }
  if (input.accountId) filters.push(transactionsOfAccounts(sql`(${input.accountId}::uuid)`));
  if (input.customerId) filters.push(transactionsOfAccounts(sql`(select ${accounts.id} from ${accounts} where ${accounts.customerId} = ${input.customerId})`));
  if (input.kind) filters.push(eq(ledgerTransactions.kind, input.kind));
  const money = parseMoneyFilters(input);
  if (money.currency) filters.push(eq(ledgerTransactions.currency, money.currency));
  if (money.amountMin) filters.push(gte(ledgerTransactions.amount, money.amountMin));
  if (money.amountMax) filters.push(lte(ledgerTransactions.amount, money.amountMax));
  const timeColumn = input.dateField === "booked" ? ledgerTransactions.bookedAt : ledgerTransactions.occurredAt;
  if (input.from) filters.push(gte(timeColumn, new Date(input.from)));
  if (input.to) filters.push(lte(timeColumn, new Date(input.to)));
  if (input.metadata) {
    const [key = "", ...rest] = input.metadata.split("=");
    filters.push(sql`${ledgerTransactions.metadata} @> ${JSON.stringify({ [key.trim()]: rest.join("=") })}::jsonb`);
  }
  if (input.cursor) {
    const at = new Date(input.cursor.at).toISOString();
    filters.push(
      input.sort === "desc"
        ? sql`(${timeColumn}, ${ledgerTransactions.id}) < (${at}::timestamptz, ${input.cursor.id}::uuid)`
        : sql`(${timeColumn}, ${ledgerTransactions.id}) > (${at}::timestamptz, ${input.cursor.id}::uuid)`,
    );
  }
  const order = input.sort === "desc" ? [desc(timeColumn), desc(ledgerTransactions.id)] : [asc(timeColumn), asc(ledgerTransactions.id)];
  const rows = await db.select(rowColumns).from(ledgerTransactions).where(and(...filters)).orderBy(...order).limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > input.limit && last ? { at: (input.dateField === "booked" ? last.bookedAt : last.occurredAt).toISOString(), id: last.id } : null;
  return { items, nextCursor, matched: input.q && items.length === 0 && input.cursor === undefined ? "none" : matched };
}

interface DetailRow {
  id: string;
  kind: TransactionRow["kind"];
  amount: string | null;
  currency: string | null;
  external_reference: string | null;
  correlation_id: string | null;
  idempotency_key: string;
  initiator_type: TransactionRow["initiatorType"];
  initiated_by: string;
  /** Timestamps arrive as PostgreSQL's text: drizzle's driver turns postgres.js's date parsing off. */
  occurred_at: string;
  booked_at: string;
  reverses_transaction_id: string | null;
  description: string | null;
  value_date: string;
  metadata: Record<string, string>;
  initiator_name: string | null;
  entries: { id: number; accountId: string; accountCode: string; accountName: string; accountType: AccountType; customerId: string | null; currency: string; amount: string; balanceAfter: string; accountSeq: number }[];
  reversed_by: { id: string; kind: TransactionRow["kind"] } | null;
  reverses: { id: string; kind: TransactionRow["kind"] } | null;
  audit_seqs: number[];
  outbox_events: { id: string; type: string; status: string; createdAt: string }[];
}

/**
 * The transaction with its entries, lineage both ways, audit and outbox links, in ONE prepared
 * statement: the page is one round trip, like the primary-key lookup it is measured against.
 * Amounts travel as text inside the JSON, never as JSON numbers.
 */
export async function getTransactionDetail(db: Executor, id: string) {
  const [row] = await executePrepared<DetailRow>(
    db,
    sql`
    select t.id, t.kind, t.amount::text as amount, t.currency, t.external_reference, t.correlation_id, t.idempotency_key, t.initiator_type,
           t.initiated_by, t.occurred_at, t.booked_at, t.reverses_transaction_id, t.description, t.value_date::text as value_date, t.metadata,
           s.display_name as initiator_name,
           (select coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'accountId', e.account_id, 'accountCode', a.code, 'accountName', a.name, 'accountType', a.type,
                                                         'customerId', a.customer_id, 'currency', e.currency, 'amount', e.amount::text,
                                                         'balanceAfter', e.balance_after::text, 'accountSeq', e.account_seq) order by e.id), '[]')
              from ledger_entries e join accounts a on a.id = e.account_id
             where e.transaction_id = t.id) as entries,
           (select jsonb_build_object('id', r.id, 'kind', r.kind) from ledger_transactions r where r.reverses_transaction_id = t.id) as reversed_by,
           (select jsonb_build_object('id', r.id, 'kind', r.kind) from ledger_transactions r where r.id = t.reverses_transaction_id) as reverses,
           (select coalesce(jsonb_agg(audit.seq order by audit.seq), '[]')
              from (select seq from audit_events where target_type = 'ledger_transaction' and target_id = t.id::text order by seq limit 50) as audit) as audit_seqs,
           (select coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'type', o.type, 'status', o.status, 'createdAt', to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))), '[]')
              from (select id, type, status, created_at from outbox_events where aggregate_type = 'ledger_transaction' and aggregate_id = t.id::text limit 50) as o) as outbox_events
      from ledger_transactions t
      left join staff s on t.initiator_type = 'staff' and s.id::text = t.initiated_by
     where t.id = ${id}`,
  );
  if (!row) throw new DomainError("NOT_FOUND", "No transaction with this id.", { field: "id" });
  const entries = row.entries.map((entry) => {
    const amount = new MoneyDecimal(entry.amount);
    const balanceAfter = new MoneyDecimal(entry.balanceAfter);
    const change = isDebitNormal(entry.accountType) ? amount : amount.negated();
    return { ...entry, amount, balanceAfter, balanceBefore: balanceAfter.minus(change) };
  });
  return {
    id: row.id,
    kind: row.kind,
    amount: row.amount === null ? null : new MoneyDecimal(row.amount),
    currency: row.currency,
    externalReference: row.external_reference,
    correlationId: row.correlation_id,
    idempotencyKey: row.idempotency_key,
    initiatorType: row.initiator_type,
    initiatedBy: row.initiated_by,
    occurredAt: new Date(row.occurred_at),
    bookedAt: new Date(row.booked_at),
    reversesTransactionId: row.reverses_transaction_id,
    description: row.description,
    valueDate: row.value_date,
    metadata: row.metadata,
    initiatorName: row.initiator_name,
    entries,
    reversedBy: row.reversed_by,
    reverses: row.reverses,
    auditSeqs: row.audit_seqs,
    outboxEvents: row.outbox_events.map((event) => ({ ...event, createdAt: new Date(event.createdAt) })),
  };
}

/** The account with its cached balance next to the balance derived from its entries. */
export async function getAccount(db: Executor, id: string) {
  const [account] = await db
    .select({
      id: accounts.id,
      code: accounts.code,
      name: accounts.name,
      type: accounts.type,
      purpose: accounts.purpose,
      currency: accounts.currency,
      status: accounts.status,
      customerId: accounts.customerId,
      cachedBalance: accountBalances.balance,
      entryCount: accountBalances.entryCount,
    })
    .from(accounts)
    .innerJoin(accountBalances, eq(accountBalances.accountId, accounts.id))
    .where(eq(accounts.id, id));
  if (!account) throw new DomainError("NOT_FOUND", "No account with this id.", { field: "id" });
  const [derived] = await db.execute<{ sum: string | null }>(sql`select sum(amount)::text as sum from ledger_entries where account_id = ${id}`);
  const debitMinusCredit = new MoneyDecimal(derived?.sum ?? "0");
  const derivedBalance = isDebitNormal(account.type) ? debitMinusCredit : debitMinusCredit.negated();
  return { ...account, derivedBalance, balancesAgree: derivedBalance.equals(account.cachedBalance) };
}

interface StatementRow {
  account_type: AccountType;
  entry_id: string | null;
  account_seq: string;
  transaction_id: string;
  kind: TransactionRow["kind"];
  external_reference: string | null;
  booked_at: string;
  occurred_at: string;
  amount: string;
  balance_after: string;
}

/**
 * A page of the account's statement, newest first, keyset on account_seq, in ONE prepared
 * statement: the account (so an unknown id is NOT_FOUND) with its page joined laterally.
 */
export async function getStatement(db: Executor, input: { accountId: string; beforeSeq?: number | undefined; limit: number }) {
  const before = input.beforeSeq ? sql`and e.account_seq < ${input.beforeSeq}` : sql``;
  const rows = await executePrepared<StatementRow>(
    db,
    sql`
    select a.type as account_type, page.*
      from accounts a
      left join lateral (
        select e.id::text as entry_id, e.account_seq::text as account_seq, e.transaction_id, t.kind, t.external_reference, e.booked_at, t.occurred_at,
               e.amount::text as amount, e.balance_after::text as balance_after
          from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
         where e.account_id = a.id ${before}
         order by e.account_seq desc
         limit ${input.limit + 1}
      ) as page on true
     where a.id = ${input.accountId}`,
  );
  const [first] = rows;
  if (!first) throw new DomainError("NOT_FOUND", "No account with this id.", { field: "accountId" });
  const debitNormal = isDebitNormal(first.account_type);
  const entries = rows.filter((row) => row.entry_id !== null);
  const items = entries.slice(0, input.limit).map((row) => {
    const amount = new MoneyDecimal(row.amount);
    return {
      entryId: Number(row.entry_id),
      accountSeq: Number(row.account_seq),
      transactionId: row.transaction_id,
      kind: row.kind,
      externalReference: row.external_reference,
      bookedAt: new Date(row.booked_at),
      occurredAt: new Date(row.occurred_at),
      change: debitNormal ? amount : amount.negated(),
      balanceAfter: new MoneyDecimal(row.balance_after),
    };
  });
  const last = items[items.length - 1];
  return { items, nextBeforeSeq: entries.length > input.limit && last ? last.accountSeq : null };
}

/** The balance as it stood at a moment: the balance after the last entry booked at or before it. */
export async function getBalanceAsOf(db: Executor, accountId: string, at: Date) {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new DomainError("NOT_FOUND", "No account with this id.", { field: "accountId" });
  const [last] = await db
    .select({ balanceAfter: ledgerEntries.balanceAfter, accountSeq: ledgerEntries.accountSeq, bookedAt: ledgerEntries.bookedAt })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.accountId, accountId), lte(ledgerEntries.bookedAt, at)))
    .orderBy(desc(ledgerEntries.bookedAt), desc(ledgerEntries.accountSeq))
    .limit(1);
  return { at, balance: last?.balanceAfter ?? new MoneyDecimal(0), entryCount: last?.accountSeq ?? 0, lastEntryAt: last?.bookedAt ?? null };
}
