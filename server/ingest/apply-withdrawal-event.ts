import { and, eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { providerWithdrawals } from "@/db/schema";
import { JobError } from "../jobs/job-error";
import { parseAmount } from "../money";
import { postEvent, requireCustomer, requireCustomerAccount, systemAccountId, type EventContext, type EventEffect } from "./event-context";
import type { EventData } from "./events";

async function lockWithdrawal(tx: Transaction, provider: string, withdrawalId: string) {
  const [row] = await tx
    .select()
    .from(providerWithdrawals)
    .where(and(eq(providerWithdrawals.provider, provider), eq(providerWithdrawals.withdrawalId, withdrawalId)))
    .for("update");
  return row ?? null;
}

/**
 * withdrawal.requested: the funds leave the wallet for the customer's withdrawal_hold account, a
 * pending hold that the paid or failed event settles. A wallet short of funds refuses the hold.
 */
export async function applyWithdrawalRequested(tx: Transaction, context: EventContext, data: EventData<"withdrawal.requested">): Promise<EventEffect> {
  const existing = await lockWithdrawal(tx, context.provider, data.withdrawalId);
  if (existing) return { outcome: "duplicate", ledgerTransactionId: existing.holdTransactionId };
  const customerId = await requireCustomer(tx, data.customerRef);
  const amount = parseAmount(data.amount, data.currency, { field: "data.amount" });
  const wallet = await requireCustomerAccount(tx, customerId, "wallet", data.currency);
  const hold = await requireCustomerAccount(tx, customerId, "withdrawal_hold", data.currency);
  const posting = await postEvent(tx, context, {
    kind: "withdrawal",
    entries: [
      { accountId: wallet, amount },
      { accountId: hold, amount: amount.negated() },
    ],
    occurredAt: data.occurredAt,
    reference: data.withdrawalId,
    metadata: { withdrawalId: data.withdrawalId, phase: "hold" },
  });
  // A twin event for the same withdrawal that committed meanwhile makes this insert conflict; the
  // error rolls this posting back and the retry finds the twin's record.
  await tx.insert(providerWithdrawals).values({
    id: uuidv7(),
    provider: context.provider,
    withdrawalId: data.withdrawalId,
    customerId,
    amount,
    currency: data.currency,
    status: "requested",
    requestedAt: new Date(data.occurredAt),
    holdTransactionId: posting.transactionId,
    lastEventId: context.eventId,
  });
  return { outcome: "posted", ledgerTransactionId: posting.transactionId };
}

type Settlement = { status: "paid"; data: EventData<"withdrawal.paid"> } | { status: "failed"; data: EventData<"withdrawal.failed"> };

/**
 * withdrawal.paid sends the held funds to provider clearing; withdrawal.failed releases them to the
 * wallet. An outcome for a withdrawal we have not seen requested waits (the request may be late).
 */
export async function applyWithdrawalSettled(tx: Transaction, context: EventContext, settlement: Settlement): Promise<EventEffect> {
  const { data } = settlement;
  const withdrawal = await lockWithdrawal(tx, context.provider, data.withdrawalId);
  if (!withdrawal) throw new JobError("WITHDRAWAL_NOT_FOUND", "No withdrawal.requested has arrived for data.withdrawalId yet.", true);
  if (withdrawal.status === settlement.status) return { outcome: "duplicate", ledgerTransactionId: withdrawal.settleTransactionId };
  if (withdrawal.status !== "requested") {
    throw new JobError("WITHDRAWAL_STATE_CONFLICT", `The withdrawal is already ${withdrawal.status}; it cannot also be ${settlement.status}.`, false);
  }
  if (settlement.status === "paid" && (settlement.data.currency !== withdrawal.currency || !parseAmount(settlement.data.amount, settlement.data.currency, { field: "data.amount" }).equals(withdrawal.amount))) {
    throw new JobError("AMOUNT_MISMATCH", "data.amount and data.currency differ from the requested withdrawal's.", false);
  }
  const hold = await requireCustomerAccount(tx, withdrawal.customerId, "withdrawal_hold", withdrawal.currency);
  const counterpart =
    settlement.status === "paid"
      ? await systemAccountId(tx, "provider_clearing", withdrawal.currency)
      : await requireCustomerAccount(tx, withdrawal.customerId, "wallet", withdrawal.currency);
  const posting = await postEvent(tx, context, {
    kind: "withdrawal",
    entries: [
      { accountId: hold, amount: withdrawal.amount },
      { accountId: counterpart, amount: withdrawal.amount.negated() },
    ],
    occurredAt: data.occurredAt,
    reference: data.withdrawalId,
    metadata: { withdrawalId: data.withdrawalId, phase: settlement.status === "paid" ? "paid" : "released" },
  });
  await tx
    .update(providerWithdrawals)
    .set({
      status: settlement.status,
      settledAt: new Date(data.occurredAt),
      settleTransactionId: posting.transactionId,
      failureCode: settlement.status === "failed" ? settlement.data.failureCode : null,
      lastEventId: context.eventId,
      updatedAt: sql`now()`,
    })
    .where(eq(providerWithdrawals.id, withdrawal.id));
  return { outcome: "posted", ledgerTransactionId: posting.transactionId };
}
