import { sql } from "drizzle-orm";
import { executePrepared, type Transaction } from "@/db/client";
import { accountBalances, accounts } from "@/db/schema";
import { MoneyDecimal, requireCurrency } from "../money";
import type { AccountType } from "./types";

export type SystemPurpose = "provider_clearing" | "house_cash" | "game_revenue" | "bonus_expense" | "fee_income" | "adjustments" | "suspense";
export type CustomerPurpose = "wallet" | "withdrawal_hold";

/** The platform's own accounts, one set per currency. */
export const systemAccountTypes: Record<SystemPurpose, { type: AccountType; name: string }> = {
  provider_clearing: { type: "asset", name: "Provider clearing" },
  house_cash: { type: "asset", name: "House cash" },
  game_revenue: { type: "income", name: "Game revenue" },
  bonus_expense: { type: "expense", name: "Bonus expense" },
  fee_income: { type: "income", name: "Fee income" },
  adjustments: { type: "expense", name: "Manual adjustments" },
  suspense: { type: "liability", name: "Suspense" },
};

export interface OpenedAccount {
  id: string;
  code: string;
}

async function insertAccount(
  tx: Transaction,
  values: { code: string; name: string; type: AccountType; purpose: SystemPurpose | CustomerPurpose; currency: string; customerId: string | null; allowNegative: boolean },
): Promise<OpenedAccount> {
  const [row] = await tx.insert(accounts).values(values).returning({ id: accounts.id, code: accounts.code });
  if (!row) throw new Error("account insert returned no row");
  await tx.insert(accountBalances).values({ accountId: row.id, currency: values.currency, balance: new MoneyDecimal(0), allowNegative: values.allowNegative });
  return row;
}

/** The system account for a purpose and currency, opened on first use. */
export async function systemAccount(tx: Transaction, purpose: SystemPurpose, currency: string): Promise<OpenedAccount> {
  requireCurrency(currency);
  // Prepared, like the customer lookup below: every webhook event's posting looks its accounts up.
  const [existing] = await executePrepared<OpenedAccount>(
    tx,
    sql`select id, code from accounts where purpose = ${purpose}::account_purpose and currency = ${currency}::char(3) and customer_id is null`,
  );
  if (existing) return existing;
  const definition = systemAccountTypes[purpose];
  return insertAccount(tx, {
    code: `system:${purpose}:${currency}`,
    name: `${definition.name} ${currency}`,
    type: definition.type,
    purpose,
    currency,
    customerId: null,
    // System accounts may run negative (clearing that is owed to us, for instance); customer money never.
    allowNegative: true,
  });
}

/** A customer's account: a liability of the platform, never allowed below zero. */
export async function openCustomerAccount(tx: Transaction, customerId: string, purpose: CustomerPurpose, currency: string): Promise<OpenedAccount> {
  requireCurrency(currency);
  return insertAccount(tx, {
    code: `${purpose}:${customerId}:${currency}`,
    name: `${purpose === "wallet" ? "Wallet" : "Withdrawal hold"} ${currency}`,
    type: "liability",
    purpose,
    currency,
    customerId,
    allowNegative: false,
  });
}

/**
 * The customer's account for a purpose and currency; opened on first use when `open` is set
 * (a deposit in a new currency opens its wallet), otherwise null when there is none.
 */
export async function customerAccount(
  tx: Transaction,
  customerId: string,
  purpose: CustomerPurpose,
  currency: string,
  options: { open: boolean },
): Promise<OpenedAccount | null> {
  const [existing] = await executePrepared<OpenedAccount>(
    tx,
    sql`select id, code from accounts where customer_id = ${customerId}::uuid and purpose = ${purpose}::account_purpose and currency = ${currency}::char(3)`,
  );
  if (existing) return existing;
  return options.open ? openCustomerAccount(tx, customerId, purpose, currency) : null;
}
