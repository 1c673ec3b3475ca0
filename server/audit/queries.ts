import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditDetails, auditEvents, staff } from "@/db/schema";
import type { AuditEventView, ListAuditInput } from "./schemas";

const columns = {
  seq: auditEvents.seq,
  occurredAt: auditEvents.occurredAt,
  actorType: auditEvents.actorType,
  actorId: auditEvents.actorId,
  actorName: staff.displayName,
  action: auditEvents.action,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  outcome: auditEvents.outcome,
  correlationId: auditEvents.correlationId,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
  details: auditDetails,
  prevHash: auditEvents.prevHash,
  hash: auditEvents.hash,
};

/** Newest first, keyset-paginated on seq so page 1,000 costs what page 1 does. */
export async function listAuditEvents(db: Executor, input: ListAuditInput): Promise<{ items: AuditEventView[]; nextBeforeSeq: number | null }> {
  const filters: SQL[] = [];
  if (input.actor) filters.push(eq(auditEvents.actorId, input.actor));
  if (input.action) filters.push(input.action.endsWith("*") ? sql`${auditEvents.action} like ${input.action.slice(0, -1).replace(/[%_\\]/g, "\\$&") + "%"}` : eq(auditEvents.action, input.action));
  if (input.targetType) filters.push(eq(auditEvents.targetType, input.targetType));
  if (input.targetId) filters.push(eq(auditEvents.targetId, input.targetId));
  if (input.outcome) filters.push(eq(auditEvents.outcome, input.outcome));
  if (input.from) filters.push(gte(auditEvents.occurredAt, new Date(input.from)));
  if (input.to) filters.push(lte(auditEvents.occurredAt, new Date(input.to)));
  if (input.beforeSeq) filters.push(lt(auditEvents.seq, input.beforeSeq));
  const rows = await db
    .select(columns)
    .from(auditEvents)
    .leftJoin(staff, sql`${staff.id}::text = ${auditEvents.actorId}`)
    .where(and(...filters))
    .orderBy(desc(auditEvents.seq))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  return { items, nextBeforeSeq: rows.length > input.limit && last ? last.seq : null };
}

export async function getAuditEvent(db: Executor, seq: number): Promise<AuditEventView | null> {
  const [row] = await db
    .select(columns)
    .from(auditEvents)
    .leftJoin(staff, sql`${staff.id}::text = ${auditEvents.actorId}`)
    .where(eq(auditEvents.seq, seq));
  return row ?? null;
}
