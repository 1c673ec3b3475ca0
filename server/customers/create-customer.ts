import type { Transaction } from "@/db/client";
import { customerPii, customers } from "@/db/schema";
import { openCustomerAccount } from "../ledger/open-account";

export interface NewCustomer {
  externalRef: string;
  kycStatus?: "pending" | "verified" | "rejected" | "expired";
  pii: { fullName: string; email: string; dateOfBirth: string; country: string };
  /** A wallet is opened in each of these currencies. */
  walletCurrencies: string[];
}

export async function createCustomer(tx: Transaction, input: NewCustomer): Promise<{ customerId: string; walletIds: Record<string, string> }> {
  const [row] = await tx.insert(customers).values({ externalRef: input.externalRef, kycStatus: input.kycStatus ?? "verified" }).returning({ id: customers.id });
  if (!row) throw new Error("customer insert returned no row");
  await tx.insert(customerPii).values({ customerId: row.id, ...input.pii });
  const walletIds: Record<string, string> = {};
  for (const currency of input.walletCurrencies) walletIds[currency] = (await openCustomerAccount(tx, row.id, "wallet", currency)).id;
  return { customerId: row.id, walletIds };
}
