import type { Database } from "@/db/client";
import type { AuditScope } from "./audit-scope";
import { streamAuditRows, verifyRows, type ChainVerification } from "./verify-chain";

/** The console's "verify chain" action: walks the whole chain and records the outcome. */
export async function verifyAuditChain(db: Database, audit: AuditScope): Promise<ChainVerification> {
  const result = await verifyRows(streamAuditRows(db.$client));
  audit.target("audit_chain", "main");
  audit.details({
    ok: result.ok,
    checked: result.checked,
    headSeq: result.headSeq,
    firstBreak: result.firstBreak,
    elapsedMs: Math.round(result.elapsedMs),
  });
  return result;
}
