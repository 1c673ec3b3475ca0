import { sql } from "drizzle-orm";
import { executePrepared, type Executor } from "@/db/client";

/** The customer a provider names by our external reference, or null. Prepared: every webhook event looks one up. */
export async function findCustomerByExternalRef(db: Executor, externalRef: string): Promise<{ id: string; kycStatus: string } | null> {
  const [row] = await executePrepared<{ id: string; kyc_status: string }>(db, sql`select id, kyc_status from customers where external_ref = ${externalRef}::text`);
  return row ? { id: row.id, kycStatus: row.kyc_status } : null;
}
