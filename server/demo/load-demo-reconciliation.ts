import { eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { staff } from "@/db/schema";
import { appendAuditEvent } from "../audit/append-audit-event";
import { builtInReconDefaults } from "../recon/defaults";
import { importStatement } from "../recon/import-statement";
import { recordRun, resolveParameters } from "../recon/run-reconciliation";
import { generateSampleStatement } from "../recon/sample-statement";

/**
 * Demo reconciliation: one acmepay statement for the last two weeks of the demo ledger with two of
 * each difference injected, uploaded by the demo finance member, and one recorded payments run over
 * it, so the reconciliation pages and the exceptions workbench have something to show.
 */
export async function loadDemoReconciliation(handle: DatabaseHandle): Promise<{ lines: number; differences: number } | null> {
  const [finance] = await handle.db.select({ id: staff.id }).from(staff).where(eq(staff.email, "finance@countersign.test"));
  if (!finance) return null;
  const { csv, manifest } = await generateSampleStatement(handle.db, { seed: 1, provider: "acmepay", days: 14, inject: 2 });
  const imported = await importStatement(handle.db, {
    provider: "acmepay",
    fileName: `acmepay-${manifest.from}-${manifest.to}.csv`,
    bytes: new TextEncoder().encode(csv),
    staffId: finance.id,
    request: { correlationId: null, ip: null, userAgent: "demo loader" },
  });
  if (imported.import.status !== "accepted") return null;
  const run = await handle.db.transaction(async (tx) => {
    await tx.execute(sql`set local statement_timeout = '5min'`);
    const parameters = await resolveParameters(tx, { scope: "payments", provider: "acmepay", importIds: [imported.import.id], from: manifest.from, to: manifest.to }, builtInReconDefaults);
    const recorded = await recordRun(tx, { parameters, trigger: "manual", requestedBy: finance.id });
    await appendAuditEvent(tx, {
      actor: { type: "service", id: "demo-loader" },
      action: "recon.run_recorded",
      outcome: "success",
      target: { type: "recon_run", id: recorded.runId },
      details: { scope: "payments", provider: "acmepay", demo: true },
      request: { correlationId: null, ip: null, userAgent: null },
    });
    return recorded;
  });
  return { lines: manifest.lines, differences: run.summary?.differences ?? 0 };
}
