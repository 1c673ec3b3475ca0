import type { Transaction } from "@/db/client";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { findCustomerPii } from "./queries";

/** Shows a customer's personal data to someone with pii.reveal; the reason goes into the audit trail. */
export async function revealPii(tx: Transaction, audit: AuditScope, input: { customerId: string; reason: string }) {
  audit.target("customer", input.customerId);
  audit.details({ reason: input.reason, fields: ["fullName", "email", "dateOfBirth", "country"] });
  const pii = await findCustomerPii(tx, input.customerId);
  if (!pii) throw new DomainError("NOT_FOUND", "This customer has no personal data on record.", { field: "customerId" });
  return { fullName: pii.fullName, email: pii.email, dateOfBirth: pii.dateOfBirth, country: pii.country };
}
