import { and, asc, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accountBalances, accounts, auditEvents, customerPii, customers, ledgerEntries, ledgerTransactions, outboxEvents, staff } from "@/db/schema";
import { DomainError } from "../errors";
import { MoneyDecimal, parseAmount, requireCurrency } from "../money";
import type { SearchTransactionsInput, TransactionRow } from "./schemas";
import { isDebitNormal } from "./types";

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

export async function getTransactionDetail(db: Executor, id: string) {
  const [transaction] = await db
    .select({ ...rowColumns, description: ledgerTransactions.description, valueDate: ledgerTransactions.valueDate, metadata: ledgerTransactions.metadata, initiatorName: staff.displayName })
    .from(ledgerTransactions)
    .leftJoin(staff, sql`${ledgerTransactions.initiatorType} = 'staff' and ${staff.id}::text = ${ledgerTransactions.initiatedBy}`)
    .where(eq(ledgerTransactions.id, id));
  if (!transaction) throw new DomainError("NOT_FOUND", "No transaction with this id.", { field: "id" });
  const entryRows = await db
    .select({
      id: ledgerEntries.id,
      accountId: ledgerEntries.accountId,
      accountCode: accounts.code,
      accountName: accounts.name,
      accountType: accounts.type,
      customerId: accounts.customerId,
      currency: ledgerEntries.currency,
      amount: ledgerEntries.amount,
      balanceAfter: ledgerEntries.balanceAfter,
      accountSeq: ledgerEntries.accountSeq,
    })
    .from(ledgerEntries)
    .innerJoin(accounts, eq(accounts.id, ledgerEntries.accountId))
    .where(eq(ledgerEntries.transactionId, id))
    .orderBy(asc(ledgerEntries.id));
  const entries = entryRows.map((entry) => {
    const change = isDebitNormal(entry.accountType) ? entry.amount : entry.amount.negated();
    return { ...entry, balanceBefore: new MoneyDecimal(entry.balanceAfter).minus(change) };
  });
  const [reversedBy] = await db.select({ id: ledgerTransactions.id, kind: ledgerTransactions.kind }).from(ledgerTransactions).where(eq(ledgerTransactions.reversesTransactionId, id));
  const [reverses] = transaction.reversesTransactionId
    ? await db.select({ id: ledgerTransactions.id, kind: ledgerTransactions.kind }).from(ledgerTransactions).where(eq(ledgerTransactions.id, transaction.reversesTransactionId))
    : [];
  const audit = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, "ledger_transaction"), eq(auditEvents.targetId, id)))
    .orderBy(asc(auditEvents.seq))
    .limit(50);
  const outbox = await db
    .select({ id: outboxEvents.id, type: outboxEvents.type, status: outboxEvents.status, createdAt: outboxEvents.createdAt })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.aggregateType, "ledger_transaction"), eq(outboxEvents.aggregateId, id)))
    .limit(50);
  return { ...transaction, entries, reversedBy: reversedBy ?? null, reverses: reverses ?? null, auditSeqs: audit.map((row) => row.seq), outboxEvents: outbox };
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

export async function getStatement(db: Executor, input: { accountId: string; beforeSeq?: number | undefined; limit: number }) {
  const [account] = await db.select({ type: accounts.type }).from(accounts).where(eq(accounts.id, input.accountId));
  if (!account) throw new DomainError("NOT_FOUND", "No account with this id.", { field: "accountId" });
  const filters = [eq(ledgerEntries.accountId, input.accountId)];
  if (input.beforeSeq) filters.push(lt(ledgerEntries.accountSeq, input.beforeSeq));
  const rows = await db
    .select({
      entryId: ledgerEntries.id,
      accountSeq: ledgerEntries.accountSeq,
      transactionId: ledgerEntries.transactionId,
      kind: ledgerTransactions.kind,
      externalReference: ledgerTransactions.externalReference,
      bookedAt: ledgerEntries.bookedAt,
      occurredAt: ledgerTransactions.occurredAt,
      amount: ledgerEntries.amount,
      balanceAfter: ledgerEntries.balanceAfter,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .where(and(...filters))
    .orderBy(desc(ledgerEntries.accountSeq))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit).map(({ amount, ...row }) => ({ ...row, change: isDebitNormal(account.type) ? amount : amount.negated() }));
  const last = items[items.length - 1];
  return { items, nextBeforeSeq: rows.length > input.limit && last ? last.accountSeq : null };
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
