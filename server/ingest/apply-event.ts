import type { Transaction } from "@/db/client";
import { applyBetPlaced, applyBetRolledBack, applyBetWon, applyBonusGranted } from "./apply-game-event";
import { applyPaymentFailed, applyPaymentSucceeded } from "./apply-payment-event";
import { applyWithdrawalRequested, applyWithdrawalSettled } from "./apply-withdrawal-event";
import type { EventContext, EventEffect } from "./event-context";
import type { WebhookEvent } from "./events";

/** Applies one verified provider event in the caller's transaction: its ledger effect and its records. */
export function applyEvent(tx: Transaction, context: EventContext, event: WebhookEvent): Promise<EventEffect> {
  switch (event.type) {
    case "payment.succeeded":
      return applyPaymentSucceeded(tx, context, event.data);
    case "payment.failed":
      return applyPaymentFailed(tx, context, event.data);
    case "withdrawal.requested":
      return applyWithdrawalRequested(tx, context, event.data);
    case "withdrawal.paid":
      return applyWithdrawalSettled(tx, context, { status: "paid", data: event.data });
    case "withdrawal.failed":
      return applyWithdrawalSettled(tx, context, { status: "failed", data: event.data });
    case "bet.placed":
      return applyBetPlaced(tx, context, event.data);
    case "bet.won":
      return applyBetWon(tx, context, event.data);
    case "bet.rolled_back":
      return applyBetRolledBack(tx, context, event.data);
    case "bonus.granted":
      return applyBonusGranted(tx, context, event.data);
  }
}
