import { and, eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { executePrepared, type Transaction } from "@/db/client";
import { providerBets } from "@/db/schema";
import { JobError } from "../jobs/job-error";
import { reverseTransaction } from "../ledger/reverse-transaction";
import { parseAmount } from "../money";
import { findCustomerByExternalRef } from "../customers/find-customer";
import { knownCustomer, openWallet, postEvent, requireCustomer, requireCustomerAccount, systemAccountId, webhookInitiator, type EventContext, type EventEffect } from "./event-context";
import type { EventData } from "./events";

async function lockBet(tx: Transaction, provider: string, betId: string) {
  const [row] = await tx
    .select()
    .from(providerBets)
    .where(and(eq(providerBets.provider, provider), eq(providerBets.betId, betId)))
    .for("update");
  return row ?? null;
}

/** The bet a win or rollback names; an unknown bet waits, since the bet may still be on its way. */
async function requireBet(tx: Transaction, provider: string, betId: string) {
  const bet = await lockBet(tx, provider, betId);
  if (!bet) throw new JobError("BET_NOT_FOUND", "No bet.placed has arrived for data.betId yet.", true);
  return bet;
}

/**
 * The posting of a bet already placed, its row locked. Prepared, like the insert below: bet.placed
 * is the most frequent event, and each unprepared statement costs a round trip more.
 */
async function lockPlacedBet(tx: Transaction, provider: string, betId: string): Promise<{ betTransactionId: string } | null> {
  const [row] = await executePrepared<{ bet_transaction_id: string }>(
    tx,
    sql`select bet_transaction_id from provider_bets where provider = ${provider}::text and bet_id = ${betId}::text for update`,
  );
  return row ? { betTransactionId: row.bet_transaction_id } : null;
}

/** bet.placed: the stake leaves the wallet for game revenue. */
export async function applyBetPlaced(tx: Transaction, context: EventContext, data: EventData<"bet.placed">): Promise<EventEffect> {
  // Three independent lookups, pipelined on the transaction's connection.
  const [existing, customer, revenue] = await Promise.all([
    lockPlacedBet(tx, context.provider, data.betId),
    findCustomerByExternalRef(tx, data.customerRef),
    systemAccountId(tx, "game_revenue", data.currency),
  ]);
  if (existing) return { outcome: "duplicate", ledgerTransactionId: existing.betTransactionId };
  const customerId = knownCustomer(customer);
  const amount = parseAmount(data.amount, data.currency, { field: "data.amount" });
  const wallet = await requireCustomerAccount(tx, customerId, "wallet", data.currency);
  const posting = await postEvent(tx, context, {
    kind: "bet",
    entries: [
      { accountId: wallet, amount },
      { accountId: revenue, amount: amount.negated() },
    ],
    occurredAt: data.occurredAt,
    reference: data.betId,
    metadata: { betId: data.betId, game: data.game, ...(data.roundId ? { roundId: data.roundId } : {}) },
  });
  await executePrepared(
    tx,
    sql`insert into provider_bets (id, provider, bet_id, customer_id, amount, currency, game, status, placed_at, bet_transaction_id)
        values (${uuidv7()}::uuid, ${context.provider}::text, ${data.betId}::text, ${customerId}::uuid, ${amount.toFixed()}::numeric, ${data.currency}::char(3),
                ${data.game}::text, 'placed', ${new Date(data.occurredAt).toISOString()}::timestamptz, ${posting.transactionId}::uuid)`,
  );
  return { outcome: "posted", ledgerTransactionId: posting.transactionId };
}

/** bet.won: the winnings go from game revenue to the wallet of the bet's customer. */
export async function applyBetWon(tx: Transaction, context: EventContext, data: EventData<"bet.won">): Promise<EventEffect> {
  const bet = await requireBet(tx, context.provider, data.betId);
  if (bet.status === "won") return { outcome: "duplicate", ledgerTransactionId: bet.winTransactionId };
  if (bet.status === "rolled_back") throw new JobError("BET_STATE_CONFLICT", "The bet was rolled back; it cannot also win.", false);
  const customerId = await requireCustomer(tx, data.customerRef);
  if (customerId !== bet.customerId) throw new JobError("CUSTOMER_MISMATCH", "data.customerRef is not the customer who placed the bet.", false);
  if (data.currency !== bet.currency) throw new JobError("CURRENCY_MISMATCH", "data.currency differs from the bet's currency.", false);
  const amount = parseAmount(data.amount, data.currency, { field: "data.amount" });
  const revenue = await systemAccountId(tx, "game_revenue", data.currency);
  const wallet = await openWallet(tx, customerId, data.currency);
  const posting = await postEvent(tx, context, {
    kind: "win",
    entries: [
      { accountId: revenue, amount },
      { accountId: wallet, amount: amount.negated() },
    ],
    occurredAt: data.occurredAt,
    reference: data.betId,
    metadata: { betId: data.betId },
  });
  await tx
    .update(providerBets)
    .set({ status: "won", winAmount: amount, winTransactionId: posting.transactionId, settledAt: new Date(data.occurredAt), updatedAt: sql`now()` })
    .where(eq(providerBets.id, bet.id));
  return { outcome: "posted", ledgerTransactionId: posting.transactionId };
}

/**
 * bet.rolled_back: the provider cancels the bet it names, and the bet's own posting is reversed
 * (kind rollback), never a guessed amount. A bet that already won needs an operator.
 */
export async function applyBetRolledBack(tx: Transaction, context: EventContext, data: EventData<"bet.rolled_back">): Promise<EventEffect> {
  const bet = await requireBet(tx, context.provider, data.betId);
  if (bet.status === "rolled_back") return { outcome: "duplicate", ledgerTransactionId: bet.rollbackTransactionId };
  if (bet.status === "won") throw new JobError("BET_STATE_CONFLICT", "The bet already won; rolling it back needs an operator.", false);
  const reversal = await reverseTransaction(tx, {
    transactionId: bet.betTransactionId,
    idempotencyKey: context.postingKey,
    initiator: webhookInitiator,
    kind: "rollback",
    reason: `bet.rolled_back from ${context.provider}${data.reason ? `: ${data.reason}` : ""}`,
    correlationId: context.correlationId,
    externalReference: `${context.provider}:${data.betId}`,
    occurredAt: new Date(data.occurredAt),
  });
  await tx
    .update(providerBets)
    .set({ status: "rolled_back", rollbackTransactionId: reversal.transactionId, settledAt: new Date(data.occurredAt), updatedAt: sql`now()` })
    .where(eq(providerBets.id, bet.id));
  return { outcome: "posted", ledgerTransactionId: reversal.transactionId };
}

/** bonus.granted: bonus expense to the customer's wallet. */
export async function applyBonusGranted(tx: Transaction, context: EventContext, data: EventData<"bonus.granted">): Promise<EventEffect> {
  const customerId = await requireCustomer(tx, data.customerRef);
  const amount = parseAmount(data.amount, data.currency, { field: "data.amount" });
  const expense = await systemAccountId(tx, "bonus_expense", data.currency);
  const wallet = await openWallet(tx, customerId, data.currency);
  const posting = await postEvent(tx, context, {
    kind: "bonus",
    entries: [
      { accountId: expense, amount },
      { accountId: wallet, amount: amount.negated() },
    ],
    occurredAt: data.occurredAt,
    reference: data.bonusId,
    metadata: { bonusId: data.bonusId, ...(data.campaign ? { campaign: data.campaign } : {}) },
  });
  return { outcome: "posted", ledgerTransactionId: posting.transactionId };
}
