import { and, eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { executePrepared, type Transaction } from "@/db/client";
import { providerPayments } from "@/db/schema";
import { appendOutboxEvent } from "../jobs/append-outbox-event";
import { JobError } from "../jobs/job-error";
import { formatAmount, parseAmount } from "../money";
import { openWallet, postEvent, requireCustomer, systemAccountId, type EventContext, type EventEffect } from "./event-context";
import type { EventData } from "./events";

type PaymentData = EventData<"payment.succeeded"> | EventData<"payment.failed">;

/**
 * Claims the payment's natural key (provider, payment id) first: a second event about the same
 * payment, even one arriving at the same moment under another event id, waits on the unique index
 * and then finds the first one's record instead of paying twice.
 */
async function claimPayment(tx: Transaction, context: EventContext, data: PaymentData, customerId: string, status: "succeeded" | "failed") {
  const amount = parseAmount(data.amount, data.currency, { field: "data.amount" });
  // Prepared (see executePrepared): a deposit is one of the most frequent events.
  const inserted = await executePrepared<{ id: string }>(
    tx,
    sql`insert into provider_payments (id, provider, payment_id, customer_id, amount, currency, method, status, failure_code, occurred_at, last_event_id)
        values (${uuidv7()}::uuid, ${context.provider}::text, ${data.paymentId}::text, ${customerId}::uuid, ${amount.toFixed()}::numeric, ${data.currency}::char(3),
                ${"method" in data ? (data.method ?? null) : null}::text, ${status}::provider_payment_status, ${("failureCode" in data ? data.failureCode : null) ?? null}::text,
                ${new Date(data.occurredAt).toISOString()}::timestamptz, ${context.eventId}::text)
        on conflict (provider, payment_id) do nothing
        returning id`,
  );
  if (inserted[0]) return { fresh: true as const, id: inserted[0].id };
  const [existing] = await tx
    .select()
    .from(providerPayments)
    .where(and(eq(providerPayments.provider, context.provider), eq(providerPayments.paymentId, data.paymentId)))
    .for("update");
  if (!existing) throw new Error("payment insert conflicted but no row was found");
  return { fresh: false as const, existing };
}

/**
 * payment.succeeded: a deposit, provider clearing to the customer's wallet (opened on first use).
 * Lookups that do not depend on each other go out together (postgres.js pipelines them on the
 * transaction's connection), so a batch of deposits waits on fewer round trips.
 */
export async function applyPaymentSucceeded(tx: Transaction, context: EventContext, data: EventData<"payment.succeeded">): Promise<EventEffect> {
  const [customerId, clearing] = await Promise.all([requireCustomer(tx, data.customerRef), systemAccountId(tx, "provider_clearing", data.currency)]);
  const [claim, wallet] = await Promise.all([claimPayment(tx, context, data, customerId, "succeeded"), openWallet(tx, customerId, data.currency)]);
  if (!claim.fresh) {
    if (claim.existing.status === "succeeded") return { outcome: "duplicate", ledgerTransactionId: claim.existing.ledgerTransactionId };
    throw new JobError("PAYMENT_STATE_CONFLICT", "The payment was already reported failed; a later success needs an operator.", false);
  }
  const amount = parseAmount(data.amount, data.currency, { field: "data.amount" });
  const posting = await postEvent(tx, context, {
    kind: "deposit",
    entries: [
      { accountId: clearing, amount },
      { accountId: wallet, amount: amount.negated() },
    ],
    occurredAt: data.occurredAt,
    reference: data.paymentId,
    metadata: { paymentId: data.paymentId, ...(data.method ? { method: data.method } : {}) },
  });
  await executePrepared(tx, sql`update provider_payments set ledger_transaction_id = ${posting.transactionId}::uuid where id = ${claim.id}::uuid`);
  return { outcome: "posted", ledgerTransactionId: posting.transactionId };
}

/** payment.failed: no money moved; the failure is recorded and announced as an outbox event. */
export async function applyPaymentFailed(tx: Transaction, context: EventContext, data: EventData<"payment.failed">): Promise<EventEffect> {
  const customerId = await requireCustomer(tx, data.customerRef);
  const claim = await claimPayment(tx, context, data, customerId, "failed");
  if (!claim.fresh) {
    if (claim.existing.status === "failed") return { outcome: "duplicate", ledgerTransactionId: null };
    throw new JobError("PAYMENT_STATE_CONFLICT", "The payment already succeeded; a failure after success (a chargeback) needs an operator.", false);
  }
  await appendOutboxEvent(tx, {
    type: "payment.failed",
    aggregateType: "provider_payment",
    aggregateId: claim.id,
    correlationId: context.correlationId,
    payload: {
      paymentRecordId: claim.id,
      provider: context.provider,
      paymentId: data.paymentId,
      customerId,
      amount: formatAmount(parseAmount(data.amount, data.currency, { field: "data.amount" }), data.currency),
      currency: data.currency,
      failureCode: data.failureCode,
      occurredAt: data.occurredAt,
    },
  });
  return { outcome: "recorded", ledgerTransactionId: null };
}
