import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { customerPii, customers } from "@/db/schema";
import { DomainError } from "../errors";
import { listCustomerAccounts } from "../ledger/list-customer-accounts";
import { maskDateOfBirth, maskEmail, maskName } from "./mask";

export async function findCustomerPii(db: Executor, customerId: string) {
  const [row] = await db.select().from(customerPii).where(eq(customerPii.customerId, customerId));
  return row ?? null;
}

export async function getCustomer(db: Executor, id: string) {
  const [customer] = await db.select().from(customers).where(eq(customers.id, id));
  if (!customer) throw new DomainError("NOT_FOUND", "No customer with this id.", { field: "id" });
  const pii = await findCustomerPii(db, id);
  return {
    ...customer,
    pii: pii
      ? { fullName: maskName(pii.fullName), email: maskEmail(pii.email), dateOfBirth: maskDateOfBirth(pii.dateOfBirth), country: pii.country }
      : { fullName: "(erased)", email: "(erased)", dateOfBirth: "(erased)", country: "(erased)" },
    accounts: await listCustomerAccounts(db, id),
  };
}
