import { seededRandom } from "@/lib/seeded-random";
import type { WebhookEventType } from "./events";

/**
 * A provider sandbox: a deterministic stream of realistic provider events for the demo data and
 * `npm run simulate`. Customers deposit before they play, bets are won or rolled back, withdrawals
 * are requested and then paid or failed. Mixed in: repeats of earlier events (providers retry),
 * rollbacks sent before their bet (they wait, then apply), and a share of events that will fail:
 * an unknown customer (dead-lettered at once), a rollback of a bet that never existed (retried,
 * then dead-lettered) and a schema-invalid body (refused with 400). Money is kept in integer minor
 * units here and written as decimal strings; it never passes through a float.
 */
export interface SimulatedCustomer {
  externalRef: string;
  currency: string;
  exponent: number;
}

export type SimulatedKind = "good" | "duplicate" | "early_rollback" | "unknown_customer" | "unknown_bet" | "invalid";

export interface SimulatedEvent {
  provider: string;
  id: string;
  body: { type: WebhookEventType; timestamp: string; data: Record<string, unknown> };
  kind: SimulatedKind;
}

export interface SimulationOptions {
  seed: number;
  customers: readonly SimulatedCustomer[];
  /** Share of events (0-1) built to fail. */
  failureShare: number;
  /** Distinguishes runs with the same seed, so their event ids never collide. */
  runTag: string;
  paymentProvider?: string;
  gameProvider?: string;
  now?: () => Date;
}

interface Wallet {
  customer: SimulatedCustomer;
  balance: bigint;
  openBets: { betId: string; amount: bigint }[];
  pendingWithdrawals: { withdrawalId: string; amount: bigint }[];
}

/** Minor units as the decimal string of the currency: 1250n with exponent 2 is "12.50". */
export function minorToString(minor: bigint, exponent: number): string {
  if (exponent === 0) return minor.toString();
  const digits = minor.toString().padStart(exponent + 1, "0");
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const games = ["starburst", "book-of-dead", "lightning-roulette", "blackjack-vip", "crazy-time"];
const failureCodes = ["insufficient_funds", "card_declined", "expired_card", "do_not_honor"];

export function* simulateEvents(options: SimulationOptions): Generator<SimulatedEvent> {
  if (options.customers.length === 0) throw new Error("the simulation needs at least one customer");
  const random = seededRandom(options.seed);
  const now = options.now ?? (() => new Date());
  const paymentProvider = options.paymentProvider ?? "acmepay";
  const gameProvider = options.gameProvider ?? "spinworks";
  const wallets: Wallet[] = options.customers.map((customer) => ({ customer, balance: 0n, openBets: [], pendingWithdrawals: [] }));
  const sent: SimulatedEvent[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const units = (wallet: Wallet, major: number) => BigInt(major) * 10n ** BigInt(wallet.customer.exponent);
  const amount = (wallet: Wallet, minor: bigint) => minorToString(minor, wallet.customer.exponent);
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}_${options.seed}_${options.runTag}_${(counter += 1)}`;

  const make = (provider: string, type: WebhookEventType, data: Record<string, unknown>, kind: SimulatedKind = "good"): SimulatedEvent => {
    const at = now().toISOString();
    const event: SimulatedEvent = { provider, id: nextId("evt"), body: { type, timestamp: at, data: { ...data, occurredAt: at } }, kind };
    sent.push(event);
    if (sent.length > 500) sent.shift();
    return event;
  };

  const deposit = (wallet: Wallet): SimulatedEvent => {
    const minor = units(wallet, pick([10, 20, 25, 50, 100, 200]));
    wallet.balance += minor;
    const name = wallet.customer.externalRef.replace(/[^A-Za-z]/g, "") || "Customer";
    return make(paymentProvider, "payment.succeeded", {
      paymentId: nextId("pay"),
      customerRef: wallet.customer.externalRef,
      amount: amount(wallet, minor),
      currency: wallet.customer.currency,
      method: pick(["card", "bank_transfer", "e_wallet"] as const),
      payer: { name: `Sim ${name}`, email: `${wallet.customer.externalRef.toLowerCase()}@example.com` },
    });
  };

  function* failing(wallet: Wallet): Generator<SimulatedEvent> {
    const roll = random();
    if (roll < 0.4) {
      yield make(paymentProvider, "payment.succeeded", { paymentId: nextId("pay"), customerRef: `UNKNOWN-${Math.floor(random() * 100_000)}`, amount: amount(wallet, units(wallet, 10)), currency: wallet.customer.currency }, "unknown_customer");
    } else if (roll < 0.75) {
      yield make(gameProvider, "bet.rolled_back", { betId: nextId("ghost"), reason: "round voided" }, "unknown_bet");
    } else {
      // One decimal place more than the currency allows: refused at the door, never rounded.
      const tooPrecise = `1.${"0".repeat(wallet.customer.exponent)}5`;
      yield make(gameProvider, "bet.placed", { betId: nextId("bet"), customerRef: wallet.customer.externalRef, amount: tooPrecise, currency: wallet.customer.currency, game: pick(games) }, "invalid");
    }
  }

  function* play(wallet: Wallet): Generator<SimulatedEvent> {
    const roll = random();
    const stake = units(wallet, pick([1, 2, 5, 10]));
    if (roll < 0.45 && wallet.balance >= stake) {
      const betId = nextId("bet");
      const placed = make(gameProvider, "bet.placed", { betId, customerRef: wallet.customer.externalRef, amount: amount(wallet, stake), currency: wallet.customer.currency, game: pick(games), roundId: nextId("round") });
      wallet.balance -= stake;
      if (random() < 0.08) {
        // The provider's rollback overtakes its bet: it waits for the bet, then reverses it.
        const rollback = make(gameProvider, "bet.rolled_back", { betId, reason: "round voided" }, "early_rollback");
        wallet.balance += stake;
        yield rollback;
        yield placed;
        return;
      }
      wallet.openBets.push({ betId, amount: stake });
      yield placed;
    } else if (roll < 0.62 && wallet.openBets.length > 0) {
      const bet = wallet.openBets.shift();
      if (!bet) return;
      const win = bet.amount * BigInt(pick([2, 2, 3, 5]));
      wallet.balance += win;
      yield make(gameProvider, "bet.won", { betId: bet.betId, customerRef: wallet.customer.externalRef, amount: amount(wallet, win), currency: wallet.customer.currency });
    } else if (roll < 0.67 && wallet.openBets.length > 0) {
      const bet = wallet.openBets.shift();
      if (!bet) return;
      wallet.balance += bet.amount;
      yield make(gameProvider, "bet.rolled_back", { betId: bet.betId, reason: "game malfunction" });
    } else if (roll < 0.73 && wallet.balance >= units(wallet, 20)) {
      const minor = units(wallet, 10);
      wallet.balance -= minor;
      const withdrawalId = nextId("wd");
      wallet.pendingWithdrawals.push({ withdrawalId, amount: minor });
      yield make(paymentProvider, "withdrawal.requested", { withdrawalId, customerRef: wallet.customer.externalRef, amount: amount(wallet, minor), currency: wallet.customer.currency });
    } else if (roll < 0.8 && wallet.pendingWithdrawals.length > 0) {
      const withdrawal = wallet.pendingWithdrawals.shift();
      if (!withdrawal) return;
      if (random() < 0.8) {
        yield make(paymentProvider, "withdrawal.paid", { withdrawalId: withdrawal.withdrawalId, amount: amount(wallet, withdrawal.amount), currency: wallet.customer.currency });
      } else {
        wallet.balance += withdrawal.amount;
        yield make(paymentProvider, "withdrawal.failed", { withdrawalId: withdrawal.withdrawalId, failureCode: "beneficiary_account_closed" });
      }
    } else if (roll < 0.85) {
      const minor = units(wallet, pick([5, 10]));
      wallet.balance += minor;
      yield make(gameProvider, "bonus.granted", { bonusId: nextId("bonus"), customerRef: wallet.customer.externalRef, amount: amount(wallet, minor), currency: wallet.customer.currency, campaign: "weekend-reload" });
    } else if (roll < 0.9) {
      yield make(paymentProvider, "payment.failed", { paymentId: nextId("pay"), customerRef: wallet.customer.externalRef, amount: amount(wallet, units(wallet, 50)), currency: wallet.customer.currency, failureCode: pick(failureCodes) });
    } else {
      yield deposit(wallet);
    }
  }

  for (;;) {
    const wallet = pick(wallets);
    if (random() < options.failureShare) {
      yield* failing(wallet);
    } else if (random() < 0.05 && sent.length > 0) {
      // Providers retry: the very same event (id and body) again.
      yield { ...pick(sent), kind: "duplicate" };
    } else if (wallet.balance < units(wallet, 20)) {
      yield deposit(wallet);
    } else {
      yield* play(wallet);
    }
  }
}
