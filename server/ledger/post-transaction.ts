import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { executePrepared, type Transaction } from "@/db/client";
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
  const { earlier, locked } = await lockAccountsUnlessPosted(tx, request.idempotencyKey, request.entries);
  if (earlier) return replay(earlier, hash);
  checkEntries(request.entries, locked);
  const entries = applyEntries(request.entries, locked);
  const transactionId = uuidv7();
  const bookedAt = await writePosting(tx, { request, hash, transactionId, entries, headline: headlineAmount(request.entries, locked) });
  if (!bookedAt) return conflictAfterRace(tx, request, hash);
  return { transactionId, replayed: false, bookedAt };
}

interface PostingRows {
  request: PostingRequest;
  hash: string;
  transactionId: string;
  entries: ReturnType<typeof applyEntries>;
  headline: ReturnType<typeof headlineAmount>;
}

/**
 * Writes the header, the entries, the cached balances and the outbox event in ONE statement, after
 * the balance locks are held. Every part hangs off the header insert: when a twin with the same key
 * (or a second correction of the same original) committed first, the header inserts nothing and so
 * does everything else. The booking time is the database clock read here, under the locks, so one
 * account's bookings are in time order even when app servers' clocks disagree.
 */
async function writePosting(tx: Transaction, rows: PostingRows): Promise<Date | null> {
  const { request, headline } = rows;
  const amount = headline ? headline.amount.toFixed() : null;
  const entryValues = sql.join(
    rows.entries.map((entry) => sql`(${entry.accountId}::uuid, ${entry.currency}::char(3), ${entry.amount.toFixed()}::numeric, ${entry.accountSeq}::bigint, ${entry.balanceAfter.toFixed()}::numeric)`),
    sql`, `,
  );
  const payload = {
    transactionId: rows.transactionId,
    kind: request.kind,
    amount: headline ? formatAmount(headline.amount, headline.currency) : null,
    currency: headline?.currency ?? null,
    externalReference: request.externalReference ?? null,
    occurredAt: request.occurredAt.toISOString(),
    reversesTransactionId: request.reversesTransactionId ?? null,
    entries: rows.entries.map((entry) => ({ accountId: entry.accountId, currency: entry.currency, amount: formatAmount(entry.amount, entry.currency) })),
  };
  const [written] = await executePrepared<{ booked_at: string }>(
    tx,
    sql`
    with header as (
      insert into ledger_transactions (id, kind, idempotency_key, request_hash, external_reference, correlation_id, initiator_type,
                                       initiated_by, amount, currency, description, occurred_at, booked_at, value_date, metadata, reverses_transaction_id)
      values (${rows.transactionId}, ${request.kind}, ${request.idempotencyKey}, ${rows.hash}, ${request.externalReference ?? null}, ${request.correlationId ?? null},
              ${request.initiator.type}, ${request.initiator.id}, ${amount}::numeric, ${headline?.currency ?? null}, ${request.description ?? null},
              ${request.occurredAt.toISOString()}::timestamptz, date_trunc('milliseconds', clock_timestamp()),
              ${request.valueDate ?? request.occurredAt.toISOString().slice(0, 10)}::date, ${JSON.stringify(request.metadata ?? {})}::jsonb,
              ${request.reversesTransactionId ?? null}::uuid)
      on conflict do nothing
      returning id, booked_at
    ),
    lines (account_id, currency, amount, account_seq, balance_after) as (values ${entryValues}),
    entries as (
      insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
      select header.id, lines.account_id, lines.currency, lines.amount, lines.account_seq, lines.balance_after, header.booked_at
        from header cross join lines
    ),
    balances as (
      update account_balances b
         set balance = last.balance_after, entry_count = last.account_seq, updated_at = header.booked_at
        from header, (select distinct on (account_id) account_id, account_seq, balance_after from lines order by account_id, account_seq desc) as last
       where b.account_id = last.account_id
    ),
    outbox as (
      insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
      select ${uuidv7()}::uuid, 'ledger.transaction_posted', 'ledger_transaction', header.id::text, ${request.correlationId ?? null},
             ${JSON.stringify(payload)}::jsonb || jsonb_build_object('bookedAt', to_char(header.booked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        from header
    )
    select to_char(booked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as booked_at from header`,
  );
  return written ? new Date(written.booked_at) : null;
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

interface EarlierPosting {
  id: string;
  requestHash: string;
  bookedAt: Date;
}

function replay(earlier: EarlierPosting, hash: string): PostingResult {
  if (earlier.requestHash !== hash) {
    throw new DomainError("IDEMPOTENCY_CONFLICT", "This idempotency key was already used for a different posting.", { field: "idempotencyKey" });
  }
  return { transactionId: earlier.id, replayed: true, bookedAt: earlier.bookedAt };
}

async function findByIdempotencyKey(tx: Transaction, key: string): Promise<EarlierPosting | null> {
  const [row] = await executePrepared<{ id: string; request_hash: string; booked_at: string }>(
    tx,
    sql`select id, request_hash, booked_at from ledger_transactions where idempotency_key = ${key}`,
  );
  return row ? { id: row.id, requestHash: row.request_hash, bookedAt: new Date(row.booked_at) } : null;
}

/** The insert found a unique row first: a twin with our key committed meanwhile, or the original is already corrected. */
async function conflictAfterRace(tx: Transaction, request: PostingRequest, hash: string): Promise<PostingResult> {
  const twin = await findByIdempotencyKey(tx, request.idempotencyKey);
  if (twin) return replay(twin, hash);
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

interface LockedRow {
  earlier_id: string | null;
  earlier_hash: string | null;
  /** PostgreSQL's text: drizzle's driver turns postgres.js's date parsing off. */
  earlier_booked_at: string | null;
  id: string | null;
  code: string;
  type: LockedAccount["type"];
  status: LockedAccount["status"];
  currency: string;
  allow_negative: boolean;
  balance: string;
  entry_count: string;
}

/**
 * One round trip for what used to be two: the posting already written under this idempotency key,
 * if any, and otherwise every touched balance row locked in account-id order with its account. A
 * replay takes no lock. A twin that commits while we wait for a lock is not visible to this
 * statement's snapshot: the header insert then finds its key and conflictAfterRace replays it.
 */
async function lockAccountsUnlessPosted(tx: Transaction, key: string, entries: PostingEntry[]): Promise<{ earlier: EarlierPosting | null; locked: Map<string, LockedAccount> }> {
  const ids = [...new Set(entries.map((entry) => entry.accountId))].sort();
  const rows = await executePrepared<LockedRow>(
    tx,
    sql`
    with earlier as (select id, request_hash, booked_at from ledger_transactions where idempotency_key = ${key})
    select earlier.id as earlier_id, earlier.request_hash as earlier_hash, earlier.booked_at as earlier_booked_at, locked.*
      from (values (1)) as one (x)
      left join earlier on true
      left join lateral (
        select b.account_id as id, a.code, a.type, a.status, a.currency, b.allow_negative, b.balance::text as balance, b.entry_count::text as entry_count
          from account_balances b join accounts a on a.id = b.account_id
         where b.account_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) and not exists (select 1 from earlier)
         order by b.account_id
           for update of b
      ) as locked on true`,
  );
  const [first] = rows;
  if (first?.earlier_id && first.earlier_hash && first.earlier_booked_at) {
    return { earlier: { id: first.earlier_id, requestHash: first.earlier_hash, bookedAt: new Date(first.earlier_booked_at) }, locked: new Map() };
  }
  const locked = new Map(
    rows.flatMap((row) =>
      row.id
        ? [[row.id, { id: row.id, code: row.code, type: row.type, status: row.status, currency: row.currency, allowNegative: row.allow_negative, balance: new MoneyDecimal(row.balance), entryCount: Number.parseInt(row.entry_count, 10) }] as const]
        : [],
    ),
  );
  entries.forEach((entry, index) => {
    if (!locked.has(entry.accountId)) {
      throw new DomainError("NOT_FOUND", `entries.${index}.accountId names no account.`, { field: `entries.${index}.accountId` });
    }
  });
  return { earlier: null, locked };
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
