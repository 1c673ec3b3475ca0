import type { DatabaseHandle } from "@/db/client";
import { systemMeta } from "@/db/schema";
import { seedDemoStaff } from "./demo-staff";
import { loadDemoReconciliation } from "./load-demo-reconciliation";
import { loadDemoWebhooks } from "./load-demo-webhooks";
import { seedLedger } from "./seed-ledger";

/**
 * What `npm start` loads on a fresh database: the demo staff, a modest, realistic ledger, and
 * provider webhooks in the inbox (including some built to fail) that the worker processes once it runs.
 */
export const demoVolume = { customers: 300, transactions: 20_000, seed: 1 };

/** Loads the demo data once per database; returns what it loaded. */
export async function loadDemoData(handle: DatabaseHandle, log: (line: string) => void): Promise<string[]> {
  const loaded: string[] = [];
  if (await seedDemoStaff(handle.db)) loaded.push("demo staff");
  const claimed = await handle.db.insert(systemMeta).values({ key: "demo_ledger", value: { ...demoVolume, loadedAt: new Date().toISOString() } }).onConflictDoNothing().returning({ key: systemMeta.key });
  if (claimed.length > 0) {
    const result = await seedLedger(handle, { ...demoVolume, log });
    loaded.push(`${result.customers} customers and ${result.transactions} ledger transactions`);
  }
  const reconClaimed = await handle.db.insert(systemMeta).values({ key: "demo_reconciliation", value: { loadedAt: new Date().toISOString() } }).onConflictDoNothing().returning({ key: systemMeta.key });
  if (reconClaimed.length > 0) {
    const recon = await loadDemoReconciliation(handle);
    if (recon) loaded.push(`a ${recon.lines}-line acmepay statement and a reconciliation run (${recon.differences} differences)`);
  }
  const webhooks = await loadDemoWebhooks(handle);
  if (webhooks) loaded.push(`${webhooks.accepted} provider webhooks for the worker (${webhooks.refused} refused at the door)`);
  return loaded;
}
