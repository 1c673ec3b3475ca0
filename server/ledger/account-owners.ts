import { inArray, isNotNull, and } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accounts } from "@/db/schema";

/** For each customer-owned account among `accountIds`: its owner and purpose (system accounts are left out). */
export async function findAccountOwners(db: Executor, accountIds: string[]): Promise<Map<string, { customerId: string; purpose: string }>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .select({ id: accounts.id, customerId: accounts.customerId, purpose: accounts.purpose })
    .from(accounts)
    .where(and(inArray(accounts.id, accountIds), isNotNull(accounts.customerId)));
  return new Map(rows.flatMap((row) => (row.customerId ? [[row.id, { customerId: row.customerId, purpose: row.purpose }] as const] : [])));
}
