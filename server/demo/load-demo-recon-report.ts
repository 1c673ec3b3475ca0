import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { systemMeta } from "@/db/schema";
import { insertSampleRun } from "../recon/sample-run";

/**
 * A completed reconciliation run for the report and the exceptions workbench to show on a fresh
 * demo database: one difference of every class, each with its open exception. Loaded once; it
 * needs the demo ledger (a customer's EUR wallet with a deposit) and the demo finance user.
 */
export async function loadDemoReconReport(handle: DatabaseHandle): Promise<{ runId: string } | null> {
  const [anchor] = await handle.db.execute<{ account_id: string; transaction_id: string; staff_id: string }>(sql`
    select e.account_id, e.transaction_id, s.id as staff_id
      from ledger_entries e
      join accounts a on a.id = e.account_id and a.purpose = 'wallet' and a.currency = 'EUR' and a.status = 'open'
      join ledger_transactions t on t.id = e.transaction_id and t.kind = 'deposit'
      cross join (select id from staff where email = 'finance@countersign.test') s
     order by t.occurred_at desc limit 1`);
  if (!anchor) return null;
  return handle.db.transaction(async (tx) => {
    const claimed = await tx.insert(systemMeta).values({ key: "demo_recon_report", value: { loadedAt: new Date().toISOString() } }).onConflictDoNothing().returning({ key: systemMeta.key });
    if (claimed.length === 0) return null;
    const run = await insertSampleRun(tx, { accountId: anchor.account_id, transactionId: anchor.transaction_id, uploadedBy: anchor.staff_id, matchedLines: 488 });
    return { runId: run.runId };
  });
}
