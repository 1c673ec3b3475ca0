import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { accountBalances, accounts, ledgerEntries, ledgerTransactions, outboxEvents } from "@/db/schema";
import { canonicalJson } from "../audit/chain";
import { assert, DomainError } from "../errors";
import { requestHash } from "../idempotency/idempotency";
import { formatAmount, MoneyDecimal, requireCurrency } from "../money";
import { isDebitNormal, type PostingEntry, type PostingRequest, type PostingResult } from "./types";

export const postingEntriesMax = 100;
const metadataKeysMax = 50;

/**
 * Posts one balanced ledger transaction inside the caller's database transaction: idempotency,
 * account rules, entries, cached balances and the outbox event, all or nothing. Balance rows are
 * locked in account-id order, so concurrent postings over the same accounts cannot deadlock, and a
 * concurrent duplicate waits for the first and then replays its result.
 */
export async function postTransaction(tx: Transaction, request: PostingRequest): Promise<PostingResult> {
  checkShape(request);
  const hash = postingHash(request);
  const earlier = await findByIdempotencyKey(tx, request.idempotencyKey, hash);
  if (earlier) return earlier;

  const locked = await lockAccounts(tx, request.entries);
  checkEntries(request.entries, locked);
  const bookedAt = await databaseClock(tx);
  const transactionId = uuidv7();
  const headline = headlineAmount(request.entries, locked);
  const inserted = await tx
    .insert(ledgerTransactions)
    .values({
      id: transactionId,
      kind: request.kind,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      externalReference: request.externalReference ?? null,
      correlationId: request.correlationId ?? null,
      initiatorType: request.initiator.type,
      initiatedBy: request.initiator.id,
      amount: headline?.amount ?? null,
      currency: headline?.currency ?? null,
      description: request.description ?? null,
      occurredAt: request.occurredAt,
      bookedAt,
      valueDate: request.valueDate ?? request.occurredAt.toISOString().slice(0, 10),
      metadata: request.metadata ?? {},
      reversesTransactionId: request.reversesTransactionId ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: ledgerTransactions.id });
  if (inserted.length === 0) return conflictAfterRace(tx, request, hash);

  const entries = applyEntries(request.entries, locked);
  await tx.insert(ledgerEntries).values(entries.map((entry) => ({ ...entry, transactionId, bookedAt })));
  await saveBalances(tx, locked, bookedAt);
  await tx.insert(outboxEvents).values({
    id: uuidv7(),
    type: "ledger.transaction_posted",
    aggregateType: "ledger_transaction",
    aggregateId: transactionId,
    correlationId: request.correlationId ?? null,
    payload: {
      transactionId,
      kind: request.kind,
      amount: headline ? formatAmount(headline.amount, headline.currency) : null,
      currency: headline?.currency ?? null,
      externalReference: request.externalReference ?? null,
      occurredAt: request.occurredAt.toISOString(),
      bookedAt: bookedAt.toISOString(),
      reversesTransactionId: request.reversesTransactionId ?? null,
      entries: entries.map((entry) => ({ accountId: entry.accountId, currency: entry.currency, amount: formatAmount(entry.amount, entry.currency) })),
    },
  });
  return { transactionId, replayed: false, bookedAt };
}

/**
 * The time of booking, read from the database AFTER the balance locks are held, so bookings of one
 * account are in time order even when several app servers' clocks disagree.
 */
async function databaseClock(tx: Transaction): Promise<Date> {
  const [clock] = await tx.execute<{ now: string }>(
    sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`,
  );
  assert(clock, "clock_timestamp returned a row");
  return new Date(clock.now);
}

function checkShape(request: PostingRequest): void {
  if (request.entries.length < 2) throw new DomainError("UNBALANCED", "A transaction needs at least two entries.", { field: "entries" });
  if (request.entries.length > postingEntriesMax) {
    throw new DomainError("UNBALANCED", `A transaction has at most ${postingEntriesMax} entries.`, { field: "entries" });
  }
  request.entries.forEach((entry, index) => {
    if (entry.amount.isZero() || !entry.amount.isFinite()) {
      throw new DomainError("INVALID_AMOUNT", `entries.${index}.amount must be a non-zero amount.`, { field: `entries.${index}.amount` });
    }
  });
  if (Object.keys(request.metadata ?? {}).length > metadataKeysMax) {
    throw new DomainError("VALIDATION", `metadata has at most ${metadataKeysMax} keys.`, { field: "metadata" });
  }
}

/** The canonical request, hashed: the same idempotency key with any other request is a conflict. */
function postingHash(request: PostingRequest): string {
  return requestHash({
    kind: request.kind,
    entries: request.entries.map((entry) => ({ accountId: entry.accountId, amount: entry.amount.toFixed() })),
    initiator: request.initiator,
    occurredAt: request.occurredAt.toISOString(),
    valueDate: request.valueDate ?? null,
    externalReference: request.externalReference ?? null,
    description: request.description ?? null,
    metadata: canonicalJson(request.metadata ?? {}),
    reversesTransactionId: request.reversesTransactionId ?? null,
  });
}

async function findByIdempotencyKey(tx: Transaction, key: string, hash: string): Promise<PostingResult | null> {
  const [row] = await tx
    .select({ id: ledgerTransactions.id, requestHash: ledgerTransactions.requestHash, bookedAt: ledgerTransactions.bookedAt })
    .from(ledgerTransactions)
    .where(eq(ledgerTransactions.idempotencyKey, key));
  if (!row) return null;
  if (row.requestHash !== hash) {
    throw new DomainError("IDEMPOTENCY_CONFLICT", "This idempotency key was already used for a different posting.", { field: "idempotencyKey" });
  }
  return { transactionId: row.id, replayed: true, bookedAt: row.bookedAt };
}

/** The insert found a unique row first: a twin with our key committed meanwhile, or the original is already corrected. */
async function conflictAfterRace(tx: Transaction, request: PostingRequest, hash: string): Promise<PostingResult> {
  const twin = await findByIdempotencyKey(tx, request.idempotencyKey, hash);
  if (twin) return twin;
  if (request.reversesTransactionId) {
    throw new DomainError("ALREADY_REVERSED", "This transaction has already been reversed.", { field: "transactionId" });
  }
  throw new Error("ledger transaction insert conflicted on no known constraint");
}

interface LockedAccount {
  id: string;
  code: string;
  type: "asset" | "liability" | "equity" | "income" | "expense";
  status: "open" | "frozen" | "closed";
  currency: string;
  allowNegative: boolean;
  balance: InstanceType<typeof MoneyDecimal>;
  entryCount: number;
}

/** Locks every touched balance row in account-id order and returns the accounts with their balances. */
async function lockAccounts(tx: Transaction, entries: PostingEntry[]): Promise<Map<string, LockedAccount>> {
  const ids = [...new Set(entries.map((entry) => entry.accountId))].sort();
  const rows = await tx
    .select({
      id: accounts.id,
      code: accounts.code,
      type: accounts.type,
      status: accounts.status,
      currency: accounts.currency,
      allowNegative: accountBalances.allowNegative,
      balance: accountBalances.balance,
      entryCount: accountBalances.entryCount,
    })
    .from(accountBalances)
    .innerJoin(accounts, eq(accounts.id, accountBalances.accountId))
    .where(and(inArray(accountBalances.accountId, ids)))
    .orderBy(asc(accountBalances.accountId))
    .for("update", { of: accountBalances });
  const locked = new Map(rows.map((row) => [row.id, { ...row, balance: new MoneyDecimal(row.balance) }]));
  entries.forEach((entry, index) => {
    if (!locked.has(entry.accountId)) {
      throw new DomainError("NOT_FOUND", `entries.${index}.accountId names no account.`, { field: `entries.${index}.accountId` });
    }
  });
  return locked;
}

function checkEntries(entries: PostingEntry[], locked: Map<string, LockedAccount>): void {
  const totals = new Map<string, InstanceType<typeof MoneyDecimal>>();
  entries.forEach((entry, index) => {
    const account = locked.get(entry.accountId);
    assert(account, "every entry's account is locked");
    if (account.status !== "open") {
      throw new DomainError("ACCOUNT_NOT_OPEN", `Account ${account.code} is ${account.status} and refuses postings.`, { field: `entries.${index}.accountId` });
    }
    const exponent = requireCurrency(account.currency).exponent;
    if (entry.amount.decimalPlaces() > exponent) {
      throw new DomainError("PRECISION_EXCEEDED", `entries.${index}.amount has more than ${exponent} decimal places for ${account.currency}; amounts are never rounded.`, {
        field: `entries.${index}.amount`,
      });
    }
    totals.set(account.currency, (totals.get(account.currency) ?? new MoneyDecimal(0)).plus(entry.amount));
  });
  for (const [currency, total] of totals) {
    if (!total.isZero()) {
      throw new DomainError("UNBALANCED", `Debits and credits differ by ${total.toFixed()} ${currency}.`, { field: "entries" });
    }
  }
}

function headlineAmount(entries: PostingEntry[], locked: Map<string, LockedAccount>) {
  const currencies = new Set(entries.map((entry) => locked.get(entry.accountId)?.currency));
  if (currencies.size !== 1) return null;
  const [currency] = currencies;
  assert(currency, "a single currency");
  const amount = entries.filter((entry) => entry.amount.isPositive()).reduce((sum, entry) => sum.plus(entry.amount), new MoneyDecimal(0));
  return { amount, currency };
}

/**
 * Applies the entries to the locked balances in a stable order and returns the rows to insert.
 * A customer account (allowNegative false) that would fall below zero refuses the whole posting.
 */
function applyEntries(entries: PostingEntry[], locked: Map<string, LockedAccount>) {
  const ordered = entries.map((entry, index) => ({ entry, index })).sort((a, b) => (a.entry.accountId < b.entry.accountId ? -1 : a.entry.accountId > b.entry.accountId ? 1 : a.index - b.index));
  return ordered.map(({ entry, index }) => {
    const account = locked.get(entry.accountId);
    assert(account, "every entry's account is locked");
    const delta = isDebitNormal(account.type) ? entry.amount : entry.amount.negated();
    const balanceAfter = account.balance.plus(delta);
    if (!account.allowNegative && balanceAfter.isNegative()) {
      throw new DomainError("INSUFFICIENT_FUNDS", `Account ${account.code} has ${formatAmount(account.balance, account.currency)} ${account.currency}; this posting needs ${formatAmount(delta.negated(), account.currency)}.`, {
        field: `entries.${index}.amount`,
      });
    }
    account.balance = balanceAfter;
    account.entryCount += 1;
    return { accountId: account.id, currency: account.currency, amount: entry.amount, accountSeq: account.entryCount, balanceAfter };
  });
}

async function saveBalances(tx: Transaction, locked: Map<string, LockedAccount>, bookedAt: Date): Promise<void> {
  for (const account of locked.values()) {
    await tx
      .update(accountBalances)
      .set({ balance: account.balance, entryCount: account.entryCount, updatedAt: bookedAt })
      .where(eq(accountBalances.accountId, account.id));
  }
}
