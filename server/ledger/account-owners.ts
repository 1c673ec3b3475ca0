import { sql } from "drizzle-orm";
import { executePrepared, type Executor } from "@/db/client";

/**
 * For each customer-owned account among `accountIds`: its owner and purpose (system accounts are
 * left out). One prepared statement whatever the count (the ids travel as one array literal, so
 * the planner sees an `= any` on the primary key and reads the accounts by index): the projection
 * asks this once per batch.
 */
export async function findAccountOwners(db: Executor, accountIds: string[]): Promise<Map<string, { customerId: string; purpose: string }>> {
  if (accountIds.length === 0) return new Map();
  const rows = await executePrepared<{ id: string; customer_id: string; purpose: string }>(
    db,
    sql`select id, customer_id, purpose from accounts where id = any(${`{${accountIds.join(",")}}`}::uuid[]) and customer_id is not null`,
  );
  return new Map(rows.map((row) => [row.id, { customerId: row.customer_id, purpose: row.purpose }] as const));
}
