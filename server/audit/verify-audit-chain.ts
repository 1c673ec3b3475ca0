import type { Database } from "@/db/client";
import { auditTrustedKeys } from "../env";
import type { AuditScope } from "./audit-scope";
import { trustedKeys } from "./checkpoints/signing-key";
import { runFullVerification } from "./checkpoints/verify-with-checkpoints";
import type { ChainVerification } from "./verify-chain";

/**
 * The console's "verify chain" action: walks the whole chain against every stored signed
 * checkpoint, records the outcome in audit_verifications (trigger "console") and audits it.
 */
export async function verifyAuditChain(db: Database, audit: AuditScope): Promise<ChainVerification> {
  const { id, result } = await runFullVerification(db, { keys: trustedKeys(auditTrustedKeys()), trigger: "console" });
  audit.target("audit_chain", "main");
  audit.details({
    ok: result.ok,
    checked: result.checked,
    headSeq: result.headSeq,
    firstBreak: result.firstBreak,
    checkpointsChecked: result.checkpointsChecked,
    verificationId: id,
    elapsedMs: Math.round(result.elapsedMs),
  });
  return result;
}
