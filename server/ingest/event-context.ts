import type { Transaction } from "@/db/client";
import { findCustomerByExternalRef } from "../customers/find-customer";
import { JobError } from "../jobs/job-error";
import { customerAccount, systemAccount, type CustomerPurpose, type SystemPurpose } from "../ledger/open-account";
import { postTransaction } from "../ledger/post-transaction";
import type { PostingEntry, PostingResult, TransactionKind } from "../ledger/types";

/** Who a webhook event came from and how its effects are keyed. */
export interface EventContext {
  provider: string;
  eventId: string;
  eventType: string;
  correlationId: string;
  /** The idempotency key of the event's posting, derived from (provider, event id). */
  postingKey: string;
}

export interface EventEffect {
  /** posted: a ledger posting; recorded: state only; duplicate: the business fact was already applied by another event. */
  outcome: "posted" | "recorded" | "duplicate";
  ledgerTransactionId: string | null;
}

export const webhookInitiator = { type: "service" as const, id: "webhook-worker" };

export function postingKeyOf(provider: string, eventId: string): string {
  return `webhook:${provider}:${eventId}`;
}

/** The customer the event names; an unknown one is not retried (waiting will not create it). */
export async function requireCustomer(tx: Transaction, customerRef: string): Promise<string> {
  return knownCustomer(await findCustomerByExternalRef(tx, customerRef));
}

export function knownCustomer(customer: { id: string } | null): string {
  if (!customer) throw new JobError("UNKNOWN_CUSTOMER", "data.customerRef names no customer.", false);
  return customer.id;
}

export async function requireCustomerAccount(tx: Transaction, customerId: string, purpose: CustomerPurpose, currency: string): Promise<string> {
  const account = await customerAccount(tx, customerId, purpose, currency, { open: purpose === "withdrawal_hold" });
  // A deposit still in flight may open the wallet, so this waits (and dead-letters when it never comes).
  if (!account) throw new JobError("NO_ACCOUNT", `The customer has no ${purpose} account in ${currency}.`, true);
  return account.id;
}

export async function systemAccountId(tx: Transaction, purpose: SystemPurpose, currency: string): Promise<string> {
  return (await systemAccount(tx, purpose, currency)).id;
}

export async function openWallet(tx: Transaction, customerId: string, currency: string): Promise<string> {
  const account = await customerAccount(tx, customerId, "wallet", currency, { open: true });
  if (!account) throw new Error("a wallet opened on first use exists");
  return account.id;
}

/** Posts the event's ledger effect through the one posting use case, keyed by the event. */
export function postEvent(
  tx: Transaction,
  context: EventContext,
  posting: { kind: TransactionKind; entries: PostingEntry[]; occurredAt: string; reference: string; metadata?: Record<string, string> },
): Promise<PostingResult> {
  return postTransaction(tx, {
    idempotencyKey: context.postingKey,
    kind: posting.kind,
    entries: posting.entries,
    initiator: webhookInitiator,
    occurredAt: new Date(posting.occurredAt),
    externalReference: `${context.provider}:${posting.reference}`,
    correlationId: context.correlationId,
    description: `${context.eventType} from ${context.provider}`,
    metadata: { provider: context.provider, eventId: context.eventId, eventType: context.eventType, ...posting.metadata },
  });
}
