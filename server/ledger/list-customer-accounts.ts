import { asc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accountBalances, accounts } from "@/db/schema";

/** A customer's accounts with their cached balances: the ledger's answer for the customer page. */
export async function listCustomerAccounts(db: Executor, customerId: string) {
  return db
    .select({ id: accounts.id, code: accounts.code, name: accounts.name, purpose: accounts.purpose, currency: accounts.currency, status: accounts.status, balance: accountBalances.balance })
    .from(accounts)
    .innerJoin(accountBalances, eq(accountBalances.accountId, accounts.id))
    .where(eq(accounts.customerId, customerId))
    .orderBy(asc(accounts.currency), asc(accounts.purpose));
}
