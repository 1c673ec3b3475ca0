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
 * account rules, entries, cached balances and the outbox event, all or nothing, in ONE statement
 * (lockCheckAndWrite). Balance rows are locked in account-id order, so concurrent postings over the
 * same accounts cannot deadlock, and a concurrent duplicate waits for the first and then replays
 * its result. The account rules run twice: in the statement, which writes nothing when one fails,
 * and here on the balances it locked, which names the refused field and checks what was written.
 */
export async function postTransaction(tx: Transaction, request: PostingRequest): Promise<PostingResult> {
  checkShape(request);
  const hash = postingHash(request);
  const transactionId = uuidv7();
  const outcome = await lockCheckAndWrite(tx, { request, hash, transactionId });
  if (outcome.earlier) return replay(outcome.earlier, hash);
  const locked = requireLocked(request.entries, outcome.locked);
  if (!outcome.bookedAt) {
    checkEntries(request.entries, locked);
    applyEntries(request.entries, locked);
    return conflictAfterRace(tx, request, hash);
  }
  assertWrittenAsChecked(request.entries, locked, outcome.written);
  return { transactionId, replayed: false, bookedAt: outcome.bookedAt };
}

/** The statement wrote: the same rules in TypeScript must accept the posting and give the same entries. */
function assertWrittenAsChecked(entries: PostingEntry[], locked: Map<string, LockedAccount>, written: WrittenEntry[]): void {
  let expected: ReturnType<typeof applyEntries>;
  try {
    checkEntries(entries, locked);
    expected = applyEntries(entries, locked);
  } catch (error) {
    throw new Error("the posting statement wrote a posting that the account rules refuse", { cause: error });
  }
  assert(written.length === expected.length, "one written entry per requested entry");
  expected.forEach((entry, index) => {
    const row = written[index];
    assert(row?.account_id === entry.accountId && row.account_seq === String(entry.accountSeq), "entries written in account order with the next sequence numbers");
    assert(new MoneyDecimal(row.balance_after).equals(entry.balanceAfter), "the written running balance is the checked one");
  });
}

interface PostingInput {
  request: PostingRequest;
  hash: string;
  transactionId: string;
}

interface PostingOutcome {
  earlier: EarlierPosting | null;
  /** The touched balance rows as locked, before this posting: empty for a replay. */
  locked: LockedRow[];
  /** Null when nothing was written: a replay, a refused posting, or a twin that won the race. */
  bookedAt: Date | null;
  written: WrittenEntry[];
}

interface WrittenEntry {
  account_id: string;
  account_seq: string;
  balance_after: string;
}

interface OutcomeRow {
  earlier_id: string | null;
  earlier_hash: string | null;
  /** PostgreSQL's text: drizzle's driver turns postgres.js's date parsing off. */
  earlier_booked_at: string | null;
  booked_at: string | null;
  locked: LockedRow[] | null;
  written: WrittenEntry[] | null;
}

/**
 * The whole posting in one statement and one round trip. It reads the posting already stored
 * under the idempotency key; otherwise it locks the touched balance rows in account-id order,
 * computes each entry's sequence number and running balance from the locked rows, and checks the
 * account rules (every account exists and is open, amounts within the currency's exponent, each
 * currency balanced, no running balance of a customer account below zero). Only when all hold does
 * it write the header, and the entries, cached balances and outbox event all hang off the header:
 * when a twin with the same key (or a second correction of the same original) committed first,
 * the header inserts nothing and so does everything else. The statement's snapshot predates the
 * locks, so everything written comes from the locked rows (FOR UPDATE returns their latest
 * version) and never from the snapshot. The booking time is the database clock read under the
 * locks, so one account's bookings are in time order even when app servers' clocks disagree.
 */
async function lockCheckAndWrite(tx: Transaction, input: PostingInput): Promise<PostingOutcome> {
  const { request } = input;
  const ids = [...new Set(request.entries.map((entry) => entry.accountId))].sort();
  const lines = sql.join(
    request.entries.map((entry, index) => sql`(${index}::int, ${entry.accountId}::uuid, ${entry.amount.toFixed()}::numeric)`),
    sql`, `,
  );
  const [row] = await executePrepared<OutcomeRow>(
    tx,
    sql`
    with earlier as (select id, request_hash, booked_at from ledger_transactions where idempotency_key = ${request.idempotencyKey}),
    lines (ordinal, account_id, amount) as (values ${lines}),
    locked as (
      select b.account_id, a.code, a.type, a.status, a.currency, c.exponent, b.allow_negative, b.balance, b.entry_count
        from account_balances b join accounts a on a.id = b.account_id join currencies c on c.code = a.currency
       where b.account_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) and not exists (select 1 from earlier)
       order by b.account_id
         for update of b
    ),
    computed as (
      select l.ordinal, l.account_id, k.currency, k.exponent, l.amount, k.status, k.allow_negative,
             k.entry_count + row_number() over w as account_seq,
             k.balance + sum(case when k.type in ('asset', 'expense') then l.amount else -l.amount end) over w as balance_after
        from lines l join locked k on k.account_id = l.account_id
      window w as (partition by l.account_id order by l.ordinal)
    ),
    verdict as (
      select count(*) = ${request.entries.length}
               and bool_and(status = 'open' and scale(trim_scale(amount)) <= exponent and (allow_negative or balance_after >= 0))
               and not exists (select 1 from computed group by currency having sum(amount) <> 0) as ok,
             case when count(distinct currency) = 1 then min(currency) end as currency,
             case when count(distinct currency) = 1 then sum(amount) filter (where amount > 0) end as amount,
             case when count(distinct currency) = 1 then round(sum(amount) filter (where amount > 0), min(exponent))::text end as amount_text
        from computed
    ),
    header as (
      insert into ledger_transactions (id, kind, idempotency_key, request_hash, external_reference, correlation_id, initiator_type,
                                       initiated_by, amount, currency, description, occurred_at, booked_at, value_date, metadata, reverses_transaction_id)
      select ${input.transactionId}, ${request.kind}, ${request.idempotencyKey}, ${input.hash}, ${request.externalReference ?? null}, ${request.correlationId ?? null},
             ${request.initiator.type}, ${request.initiator.id}, v.amount, v.currency, ${request.description ?? null},
             ${request.occurredAt.toISOString()}::timestamptz, date_trunc('milliseconds', clock_timestamp()),
             ${request.valueDate ?? request.occurredAt.toISOString().slice(0, 10)}::date, ${JSON.stringify(request.metadata ?? {})}::jsonb,
             ${request.reversesTransactionId ?? null}::uuid
        from verdict v
       where v.ok
      on conflict do nothing
      returning id, booked_at
    ),
    entries as (
      insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
      select header.id, c.account_id, c.currency, c.amount, c.account_seq, c.balance_after, header.booked_at
        from header cross join computed c
       order by c.account_id, c.ordinal
    ),
    balances as (
      update account_balances b
         set balance = last.balance_after, entry_count = last.account_seq, updated_at = header.booked_at
        from header, (select distinct on (account_id) account_id, account_seq, balance_after from computed order by account_id, ordinal desc) as last
       where b.account_id = last.account_id
    ),
    outbox as (
      insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
      select ${uuidv7()}::uuid, 'ledger.transaction_posted', 'ledger_transaction', header.id::text, ${request.correlationId ?? null},
             ${JSON.stringify(payloadBase(input))}::jsonb || jsonb_build_object(
               'amount', v.amount_text, 'currency', v.currency,
               'entries', (select jsonb_agg(jsonb_build_object('accountId', c.account_id, 'currency', c.currency, 'amount', round(c.amount, c.exponent)::text) order by c.account_id, c.ordinal) from computed c),
               'bookedAt', to_char(header.booked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        from header cross join verdict v
    )
    select e.id as earlier_id, e.request_hash as earlier_hash, e.booked_at as earlier_booked_at,
           to_char(h.booked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as booked_at,
           (select json_agg(json_build_object('id', k.account_id, 'code', k.code, 'type', k.type, 'status', k.status, 'currency', k.currency,
                                              'allow_negative', k.allow_negative, 'balance', k.balance::text, 'entry_count', k.entry_count::text)) from locked k) as locked,
           (select json_agg(json_build_object('account_id', c.account_id, 'account_seq', c.account_seq::text, 'balance_after', c.balance_after::text) order by c.account_id, c.ordinal)
              from computed c where exists (select 1 from header)) as written
      from (values (1)) as one (x)
      left join earlier e on true
      left join header h on true`,
  );
  assert(row, "the posting statement returns one row");
  const earlier = row.earlier_id && row.earlier_hash && row.earlier_booked_at ? { id: row.earlier_id, requestHash: row.earlier_hash, bookedAt: new Date(row.earlier_booked_at) } : null;
  return { earlier, locked: row.locked ?? [], bookedAt: row.booked_at ? new Date(row.booked_at) : null, written: row.written ?? [] };
}

/** The outbox payload's fields known before the statement; it adds the amounts, formatted to each currency's exponent. */
function payloadBase({ request, transactionId }: PostingInput) {
  return {
    transactionId,
    kind: request.kind,
    externalReference: request.externalReference ?? null,
    occurredAt: request.occurredAt.toISOString(),
    reversesTransactionId: request.reversesTransactionId ?? null,
  };
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
  id: string;
  code: string;
  type: LockedAccount["type"];
  status: LockedAccount["status"];
  currency: string;
  allow_negative: boolean;
  balance: string;
  entry_count: string;
}

/** The locked balance rows by account id; an entry naming no account is NOT_FOUND. */
function requireLocked(entries: PostingEntry[], rows: LockedRow[]): Map<string, LockedAccount> {
  const locked = new Map(
    rows.map((row) => [row.id, { id: row.id, code: row.code, type: row.type, status: row.status, currency: row.currency, allowNegative: row.allow_negative, balance: new MoneyDecimal(row.balance), entryCount: Number.parseInt(row.entry_count, 10) }] as const),
  );
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
