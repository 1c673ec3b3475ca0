/**
 * Dead letters made for one test: a webhook payment for a customer nobody has yet is received the
 * way POST /api/webhooks/:provider receives it, and the instance's own worker dead-letters it.
 */
import { eq } from "drizzle-orm";
import { connectDatabase, type DatabaseHandle } from "../../db/client";
import { deadLetters } from "../../db/schema";
import { createCustomer } from "../../server/customers/create-customer";
import { receiveWebhook } from "../../server/ingest/receive-webhook";
import { generateSecret, webhookHeaders } from "../../server/ingest/signature";
import { readInstance } from "./instance";
import { uniqueSuffix } from "./data";

const deadLetterWaitMs = 30_000;
const pollMs = 200;

async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = connectDatabase(readInstance().appUrl, { maxConnections: 1, applicationName: "countersign-e2e" });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

export interface DeadPayment {
  id: string;
  eventId: string;
  customerRef: string;
}

/** A payment.succeeded for an unknown customer reference, once the worker has dead-lettered it as UNKNOWN_CUSTOMER. */
export async function deadPaymentForUnknownCustomer(): Promise<DeadPayment> {
  const suffix = uniqueSuffix();
  const customerRef = `e2e-late-${suffix}`;
  return withDatabase(async ({ db }) => {
    const occurredAt = new Date().toISOString();
    const data = { occurredAt, paymentId: `pay-e2e-${suffix}`, customerRef, amount: "12.34", currency: "EUR", payer: { name: "Ada Lovelace", email: "ada@example.com" } };
    const body = JSON.stringify({ type: "payment.succeeded", timestamp: occurredAt, data });
    // Signed with a secret made for this delivery only, as load-demo-webhooks does: the use case verifies it.
    const secret = generateSecret();
    const headers = webhookHeaders([secret], `evt_e2e_${suffix}`, body);
    const result = await receiveWebhook(
      db,
      { provider: "acmepay", headers: { id: headers["webhook-id"] ?? null, timestamp: headers["webhook-timestamp"] ?? null, signature: headers["webhook-signature"] ?? null }, body },
      { secrets: { acmepay: [secret] }, toleranceSeconds: 300 },
    );
    if (result.status !== 200) throw new Error(`the webhook was refused with ${result.status}`);
    const eventId = result.eventId;
    for (let waited = 0; waited < deadLetterWaitMs; waited += pollMs) {
      const [row] = await db.select({ id: deadLetters.id }).from(deadLetters).where(eq(deadLetters.eventId, eventId));
      if (row) return { id: row.id, eventId, customerRef };
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    throw new Error(`the worker did not dead-letter event ${eventId} within ${deadLetterWaitMs} ms`);
  });
}

/** Fixes the cause: the customer the payment named now exists, with a EUR wallet. */
export async function createLateCustomer(customerRef: string): Promise<void> {
  await withDatabase(async ({ db }) => {
    await db.transaction((tx) =>
      createCustomer(tx, {
        externalRef: customerRef,
        pii: { fullName: "Grace Hopper", email: `${customerRef}@example.com`, dateOfBirth: "1980-12-09", country: "US" },
        walletCurrencies: ["EUR"],
      }),
    );
  });
}
