import Decimal from "decimal.js";
import { z } from "zod";

const decimal = z.custom<Decimal>((value) => Decimal.isDecimal(value), "must be a decimal amount");

export const getCustomerInput = z.strictObject({ id: z.uuid() });

export const customerView = z.object({
  id: z.uuid(),
  externalRef: z.string(),
  kycStatus: z.enum(["pending", "verified", "rejected", "expired"]),
  createdAt: z.date(),
  /** Masked unless revealed through customers.revealPii. */
  pii: z.object({ fullName: z.string(), email: z.string(), dateOfBirth: z.string(), country: z.string() }),
  accounts: z.array(
    z.object({ id: z.uuid(), code: z.string(), name: z.string(), purpose: z.string(), currency: z.string(), status: z.enum(["open", "frozen", "closed"]), balance: decimal }),
  ),
});

export const revealPiiInput = z.strictObject({
  customerId: z.uuid(),
  reason: z.string().trim().min(10, "must say why, in at least 10 characters").max(500),
});

export const revealedPii = z.object({ fullName: z.string(), email: z.string(), dateOfBirth: z.string(), country: z.string() });
