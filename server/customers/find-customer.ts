import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { customers } from "@/db/schema";

/** The customer a provider names by our external reference, or null. */
export async function findCustomerByExternalRef(db: Executor, externalRef: string): Promise<{ id: string; kycStatus: string } | null> {
  const [row] = await db.select({ id: customers.id, kycStatus: customers.kycStatus }).from(customers).where(eq(customers.externalRef, externalRef));
  return row ?? null;
}
