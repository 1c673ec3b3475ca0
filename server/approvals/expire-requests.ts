import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { appendAuditEvent } from "../audit/append-audit-event";

/** The worker's sweep: pending requests past their expiry become expired, each with its audit record. */
export async function expireRequests(db: Database, batchMax = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx.execute<{ id: string; kind: string }>(sql`
      update approval_requests set status = 'expired', decided_at = now()
       where id in (select id from approval_requests where status = 'pending' and expires_at <= now() order by expires_at limit ${batchMax} for update skip locked)
      returning id, kind`);
    for (const row of expired) {
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "worker" },
        action: "approval.expired",
        outcome: "success",
        target: { type: "approval_request", id: row.id },
        details: { kind: row.kind },
        request: { correlationId: null, ip: null, userAgent: null },
      });
    }
    return expired.length;
  });
}
