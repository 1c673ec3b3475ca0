import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { finished } from "node:stream/promises";
import type postgres from "postgres";
import type { DatabaseHandle } from "@/db/client";
import { systemAccount, type SystemPurpose } from "../ledger/open-account";
import { seededRandom } from "@/lib/seeded-random";
import { formatAmount, fromMinorUnits } from "../money";

/**
 * Demo and benchmark data: customers with wallets and realistic platform flows (deposits, bets,
 * wins, bonuses, fees, withdrawals, rollbacks of bets). Deterministic: the same seed gives the same
 * data. Fast: rows are generated in memory with the same invariants postTransaction keeps (balanced
 * entries, wallets never below zero, per-account sequence and running balance) and loaded with
 * COPY, one database transaction per batch, so the database's own balance trigger and constraints
 * check every row. Seeded history writes no outbox events: it happened before the outbox existed.
 */
export interface LedgerSeedOptions {
  customers: number;
  transactions: number;
  seed: number;
  batchSize?: number;
  /** Spread the history over this many days ending now. */
  days?: number;
  /**
   * Every transaction a deposit from a provider, as in the payments side of a platform: what a
   * reconciliation benchmark needs to measure as many statement lines as ledger transactions.
   */
  depositsOnly?: boolean;
  log?: (line: string) => void;
}

export interface LedgerSeedResult {
  customers: number;
  transactions: number;
  entries: number;
  elapsedMs: number;
}

/** A UUIDv7-shaped id from a timestamp and the PRNG, so ids sort by time and are reproducible. */
function seededUuid(timeMs: number, random: () => number): string {
  const time = Math.floor(timeMs).toString(16).padStart(12, "0");
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join("");
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

const firstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Linus", "Frances", "John", "Hedy", "Tim", "Sophie", "Dennis", "Karen", "Niklaus", "Shafi", "Leslie"];
const lastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman", "Torvalds", "Allen", "Backus", "Lamarr", "Berners-Lee", "Wilson", "Ritchie", "Jones", "Wirth", "Goldwasser", "Lamport"];
const countries = ["GB", "DE", "FR", "IE", "MT", "SE", "ES", "NL", "JP", "US"];
const games = ["starburst", "book-of-dead", "lightning-roulette", "blackjack-vip", "mega-moolah", "crazy-time"];
const providers = ["acmepay", "globalpsp"];

/** Currencies customers hold, by share, with each currency's typical deposit in major units. */
const walletCurrencies: { code: string; share: number; depositMajor: bigint[] }[] = [
  { code: "EUR", share: 0.6, depositMajor: [10n, 20n, 25n, 50n, 100n, 200n, 500n] },
  { code: "GBP", share: 0.2, depositMajor: [10n, 20n, 50n, 100n, 250n] },
  { code: "USD", share: 0.15, depositMajor: [10n, 25n, 50n, 100n, 300n] },
  { code: "JPY", share: 0.05, depositMajor: [1000n, 3000n, 5000n, 10000n, 30000n] },
];
const exponents: Record<string, number> = { EUR: 2, GBP: 2, USD: 2, JPY: 0 };

interface AccountState {
  id: string;
  debitNormal: boolean;
  balance: bigint;
  seq: number;
  touched: boolean;
}

interface CustomerState {
  wallet: AccountState;
  currency: string;
  openBets: { id: string; amount: bigint }[];
}

type Kind = "deposit" | "withdrawal" | "bet" | "win" | "bonus" | "fee" | "rollback";

function tsv(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

async function copyRows(connection: postgres.TransactionSql, table: string, columns: string[], lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const stream = await connection.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  const chunk = 2_000;
  for (let index = 0; index < lines.length; index += chunk) {
    if (!stream.write(lines.slice(index, index + chunk).join(""))) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await finished(stream);
}

export async function seedLedger(handle: DatabaseHandle, options: LedgerSeedOptions): Promise<LedgerSeedResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const batchSize = options.batchSize ?? 10_000;
  const days = options.days ?? 90;
  const endMs = Date.now() - 60_000;
  const startMs = endMs - days * 86_400_000;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const systems = new Map<string, AccountState>();
  await handle.db.transaction(async (tx) => {
    for (const { code } of walletCurrencies) {
      for (const purpose of ["provider_clearing", "game_revenue", "bonus_expense", "fee_income"] as SystemPurpose[]) {
        const account = await systemAccount(tx, purpose, code);
        const [row] = await tx.execute<{ balance: string; entry_count: string }>(
          sql`select balance::text as balance, entry_count::text as entry_count from account_balances where account_id = ${account.id}`,
        );
        systems.set(`${purpose}:${code}`, {
          id: account.id,
          debitNormal: purpose === "provider_clearing" || purpose === "bonus_expense",
          balance: BigInt(fromMinorUnitsString(row?.balance ?? "0", exponents[code] ?? 2)),
          seq: Number.parseInt(row?.entry_count ?? "0", 10),
          touched: false,
        });
      }
    }
  });
  const system = (purpose: string, currency: string): AccountState => {
    const account = systems.get(`${purpose}:${currency}`);
    if (!account) throw new Error(`no system account ${purpose}:${currency}`);
    return account;
  };

  const customers: CustomerState[] = [];
  for (let offset = 0; offset < options.customers; offset += batchSize) {
    const count = Math.min(batchSize, options.customers - offset);
    const customerLines: string[] = [];
    const piiLines: string[] = [];
    const accountLines: string[] = [];
    const balanceLines: string[] = [];
    for (let index = offset; index < offset + count; index += 1) {
      const createdMs = startMs - 86_400_000 + (index / Math.max(options.customers, 1)) * 86_400_000;
      const customerId = seededUuid(createdMs, random);
      const walletId = seededUuid(createdMs, random);
      let roll = random();
      const currency = walletCurrencies.find((candidate) => (roll -= candidate.share) < 0)?.code ?? "EUR";
      const first = pick(firstNames);
      const last = pick(lastNames);
      const createdAt = new Date(createdMs).toISOString();
      const dob = `${1950 + Math.floor(random() * 55)}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;
      customerLines.push(`${customerId}\tC-${options.seed}-${index + 1}\t${random() < 0.93 ? "verified" : "pending"}\t${createdAt}\n`);
      piiLines.push(`${customerId}\t${tsv(`${first} ${last}`)}\t${tsv(`${first}.${last}.${options.seed}.${index + 1}@example.com`.toLowerCase())}\t${dob}\t${pick(countries)}\n`);
      accountLines.push(`${walletId}\twallet:${customerId}:${currency}\tWallet ${currency}\tliability\twallet\t${currency}\t${customerId}\topen\tf\t${createdAt}\n`);
      balanceLines.push(`${walletId}\t${currency}\t0\t0\tf\n`);
      customers.push({ wallet: { id: walletId, debitNormal: false, balance: 0n, seq: 0, touched: false }, currency, openBets: [] });
    }
    await handle.sql.begin(async (connection) => {
      await copyRows(connection, "customers", ["id", "external_ref", "kyc_status", "created_at"], customerLines);
      await copyRows(connection, "customer_pii", ["customer_id", "full_name", "email", "date_of_birth", "country"], piiLines);
      await copyRows(connection, "accounts", ["id", "code", "name", "type", "purpose", "currency", "customer_id", "status", "allow_negative", "created_at"], accountLines);
      await copyRows(connection, "account_balances", ["account_id", "currency", "balance", "entry_count", "allow_negative"], balanceLines);
    });
  }
  log(`seeded ${options.customers} customers`);

  let entryCount = 0;
  const stepMs = (endMs - startMs) / Math.max(options.transactions, 1);
  for (let offset = 0; offset < options.transactions; offset += batchSize) {
    const count = Math.min(batchSize, options.transactions - offset);
    const transactionLines: string[] = [];
    const entryLines: string[] = [];
    for (let index = offset; index < offset + count; index += 1) {
      const customer = customers[Math.floor(customers.length * random() * random())];
      if (!customer) break;
      const occurredMs = startMs + index * stepMs;
      const generated = generateTransaction(customer, occurredMs, index);
      transactionLines.push(generated.transaction);
      entryLines.push(...generated.entries);
    }
    entryCount += entryLines.length;
    const touched = [...systems.values(), ...customers.map((customer) => customer.wallet)].filter((account) => account.touched);
    const balanceLines = touched.map((account) => `${account.id}\t${account.balance.toString()}\t${account.seq}\n`);
    await handle.sql.begin(async (connection) => {
      await copyRows(connection, "ledger_transactions", ["id", "kind", "idempotency_key", "request_hash", "external_reference", "correlation_id", "initiator_type", "initiated_by", "amount", "currency", "description", "occurred_at", "booked_at", "value_date", "metadata", "reverses_transaction_id"], transactionLines);
      await copyRows(connection, "ledger_entries", ["transaction_id", "account_id", "currency", "amount", "account_seq", "balance_after", "booked_at"], entryLines);
      await connection`create temporary table seed_balances (account_id uuid, minor_units numeric, entry_count bigint) on commit drop`;
      await copyRows(connection, "seed_balances", ["account_id", "minor_units", "entry_count"], balanceLines);
      await connection`update account_balances b
                   set balance = s.minor_units / (10::numeric ^ c.exponent), entry_count = s.entry_count, updated_at = now()
                  from seed_balances s, currencies c
                 where b.account_id = s.account_id and c.code = b.currency`;
    });
    for (const account of touched) account.touched = false;
    log(`seeded ${Math.min(offset + count, options.transactions)} of ${options.transactions} transactions`);
  }
  return { customers: options.customers, transactions: options.transactions, entries: entryCount, elapsedMs: performance.now() - started };

  function generateTransaction(customer: CustomerState, occurredMs: number, index: number): { transaction: string; entries: string[] } {
    const currency = customer.currency;
    const exponent = exponents[currency] ?? 2;
    const unit = 10n ** BigInt(exponent);
    const wallet = customer.wallet;
    const kind = chooseKind(customer, unit);
    const minor = amountFor(kind, customer, unit);
    const id = seededUuid(occurredMs, random);
    const legs: [AccountState, bigint][] = [];
    let reverses: string | null = null;
    let externalReference: string;
    let metadata: Record<string, string>;
    const providerRef = () => `${pick(providers).toUpperCase().slice(0, 4)}-${Math.floor(random() * 1e10).toString().padStart(10, "0")}`;
    switch (kind) {
      case "deposit":
        legs.push([system("provider_clearing", currency), minor], [wallet, -minor]);
        externalReference = providerRef();
        metadata = { provider: pick(providers), method: random() < 0.7 ? "card" : "bank_transfer" };
        break;
      case "withdrawal":
        legs.push([wallet, minor], [system("provider_clearing", currency), -minor]);
        externalReference = providerRef();
        metadata = { provider: pick(providers), method: "bank_transfer" };
        break;
      case "bet":
        legs.push([wallet, minor], [system("game_revenue", currency), -minor]);
        externalReference = `BET-${index + 1}`;
        metadata = { game: pick(games), round: `R${Math.floor(random() * 1e8)}` };
        customer.openBets.push({ id, amount: minor });
        if (customer.openBets.length > 5) customer.openBets.shift();
        break;
      case "win":
        legs.push([system("game_revenue", currency), minor], [wallet, -minor]);
        externalReference = `WIN-${index + 1}`;
        metadata = { game: pick(games), round: `R${Math.floor(random() * 1e8)}` };
        break;
      case "bonus":
        legs.push([system("bonus_expense", currency), minor], [wallet, -minor]);
        externalReference = `BONUS-${index + 1}`;
        metadata = { campaign: random() < 0.5 ? "welcome" : "reload" };
        break;
      case "fee":
        legs.push([wallet, minor], [system("fee_income", currency), -minor]);
        externalReference = `FEE-${index + 1}`;
        metadata = { fee: "inactivity" };
        break;
      case "rollback": {
        const bet = customer.openBets.pop();
        if (!bet) throw new Error("rollback chosen without an open bet");
        legs.push([system("game_revenue", currency), bet.amount], [wallet, -bet.amount]);
        reverses = bet.id;
        externalReference = `ROLLBACK-${index + 1}`;
        metadata = { reason: "round cancelled by provider" };
        break;
      }
    }
    const bookedAt = new Date(occurredMs + 50 + Math.floor(random() * 2_000)).toISOString();
    const occurredAt = new Date(occurredMs).toISOString();
    const entries = legs.map(([account, amount]) => {
      account.balance += account.debitNormal ? amount : -amount;
      if (!account.debitNormal && account === wallet && account.balance < 0n) throw new Error("seed generator drove a wallet below zero");
      account.seq += 1;
      account.touched = true;
      return `${id}\t${account.id}\t${currency}\t${formatAmount(fromMinorUnits(amount, currency), currency)}\t${account.seq}\t${formatAmount(fromMinorUnits(account.balance, currency), currency)}\t${bookedAt}\n`;
    });
    const headline = legs.reduce((sum, [, amount]) => (amount > 0n ? sum + amount : sum), 0n);
    const key = `seed-${options.seed}-${index + 1}`;
    const hash = createHash("sha256").update(`${key}:${kind}:${headline}`).digest("hex");
    const transaction = [
      id, kind === "rollback" ? "rollback" : kind, key, hash, tsv(externalReference), seededUuid(occurredMs, random), "service", "seed",
      formatAmount(fromMinorUnits(headline, currency), currency), currency, "\\N", occurredAt, bookedAt, occurredAt.slice(0, 10), tsv(JSON.stringify(metadata)), reverses ?? "\\N",
    ].join("\t");
    return { transaction: `${transaction}\n`, entries };
  }

  function chooseKind(customer: CustomerState, unit: bigint): Kind {
    if (options.depositsOnly) return "deposit";
    const balance = customer.wallet.balance;
    if (balance < 5n * unit) return random() < 0.9 ? "deposit" : "bonus";
    const roll = random();
    if (roll < 0.45) return "bet";
    if (roll < 0.65) return "win";
    if (roll < 0.77) return "deposit";
    if (roll < 0.82) return "bonus";
    if (roll < 0.88) return "withdrawal";
    if (roll < 0.9) return "fee";
    return customer.openBets.length > 0 && roll < 0.93 ? "rollback" : "bet";
  }

  function amountFor(kind: Kind, customer: CustomerState, unit: bigint): bigint {
    const balance = customer.wallet.balance;
    const fraction = (numerator: number) => (balance * BigInt(Math.floor(numerator * 1000))) / 1000n;
    switch (kind) {
      case "deposit":
        return pick(walletCurrencies.find((candidate) => candidate.code === customer.currency)?.depositMajor ?? [10n]) * unit;
      case "withdrawal":
        return clampPositive(fraction(0.3 + random() * 0.6), unit, balance);
      case "bet":
        return clampPositive(fraction(0.01 + random() * 0.1), unit, balance);
      case "win":
        return BigInt(1 + Math.floor(random() * 40)) * unit + BigInt(Math.floor(random() * Number(unit)));
      case "bonus":
        return BigInt(5 + Math.floor(random() * 20)) * unit;
      case "fee":
        return clampPositive(unit < 100n ? unit * 100n : unit * 2n, unit, balance);
      case "rollback":
        return 0n;
    }
  }

  /** At least a small minimum stake, never more than the wallet holds (chooseKind keeps it above zero). */
  function clampPositive(amount: bigint, unit: bigint, ceiling: bigint): bigint {
    const floor = unit < 100n ? unit * 10n : unit / 10n;
    const value = amount < floor ? floor : amount;
    return value > ceiling ? ceiling : value;
  }
}

/** A NUMERIC balance read as text, in minor units, without ever going through a float. */
function fromMinorUnitsString(text: string, exponent: number): string {
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  const digits = `${whole}${fraction.padEnd(exponent, "0").slice(0, exponent)}`.replace(/^0+(?=\d)/, "");
  return `${negative ? "-" : ""}${digits}`;
}
