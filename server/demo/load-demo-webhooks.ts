import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { systemMeta } from "@/db/schema";
import { receiveWebhook } from "../ingest/receive-webhook";
import { generateSecret, webhookHeaders } from "../ingest/signature";
import { simulateEvents, type SimulatedCustomer } from "../ingest/simulation";
import { findCurrency } from "../money";

export const demoWebhookVolume = { events: 240, customers: 40, seed: 7, failureShare: 0.06 };

/** Customers with a wallet, as the simulator sees them: an external reference and a currency. */
export async function simulationCustomers(handle: DatabaseHandle, limit: number): Promise<SimulatedCustomer[]> {
  const rows = await handle.db.execute<{ external_ref: string; currency: string }>(sql`
    select distinct on (c.external_ref) c.external_ref, a.currency from customers c join accounts a on a.customer_id = c.id and a.purpose = 'wallet'
     where c.kyc_status = 'verified' order by c.external_ref, a.currency limit ${limit}`);
  return [...rows].flatMap((row) => {
    const currency = findCurrency(row.currency.trim());
    return currency ? [{ externalRef: row.external_ref, currency: currency.code, exponent: currency.exponent }] : [];
  });
}

/**
 * Demo webhook traffic, loaded once: simulated provider events, signed and received through the
 * same use case as POST /api/webhooks/:provider (with a secret made for this load only), so the
 * worker turns them into postings, retries and dead letters once it starts.
 */
export async function loadDemoWebhooks(handle: DatabaseHandle): Promise<{ accepted: number; refused: number } | null> {
  const claimed = await handle.db.insert(systemMeta).values({ key: "demo_webhooks", value: { ...demoWebhookVolume, loadedAt: new Date().toISOString() } }).onConflictDoNothing().returning({ key: systemMeta.key });
  if (claimed.length === 0) return null;
  const customers = await simulationCustomers(handle, demoWebhookVolume.customers);
  if (customers.length === 0) return { accepted: 0, refused: 0 };
  const secret = generateSecret();
  const config = { secrets: { acmepay: [secret], spinworks: [secret] }, toleranceSeconds: 300 };
  let accepted = 0;
  let refused = 0;
  const events = simulateEvents({ seed: demoWebhookVolume.seed, customers, failureShare: demoWebhookVolume.failureShare, runTag: "demo" });
  for (let index = 0; index < demoWebhookVolume.events; index += 1) {
    const next = events.next();
    if (next.done) break;
    const body = JSON.stringify(next.value.body);
    const headers = webhookHeaders([secret], next.value.id, body);
    const result = await receiveWebhook(
      handle.db,
      { provider: next.value.provider, headers: { id: headers["webhook-id"] ?? null, timestamp: headers["webhook-timestamp"] ?? null, signature: headers["webhook-signature"] ?? null }, body },
      config,
    );
    if (result.status === 200) accepted += 1;
    else refused += 1;
  }
  return { accepted, refused };
}
