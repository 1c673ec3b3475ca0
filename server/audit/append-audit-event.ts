import { sql } from "drizzle-orm";
import type { Executor, Transaction } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { canonicalJson, chainHash, genesisHash, type AuditActorType, type AuditOutcome, type HashedAuditRecord } from "./chain";
import { redactDetails } from "./redact";

/** Advisory lock key that serialises writers of the one audit chain. */
const auditChainLockKey = 7243100;

export interface AuditActor {
  type: AuditActorType;
  id: string;
}

export interface RequestMeta {
  correlationId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEventInput {
  actor: AuditActor;
  action: string;
  outcome: AuditOutcome;
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
  request: RequestMeta;
}

export interface AppendedAuditEvent {
  seq: number;
  hash: string;
}

/**
 * Appends one record to the chain inside the caller's transaction. Call it as the LAST statement
 * before commit: the advisory lock it takes is held until the transaction ends, so every moment
 * between here and commit is a moment no other writer can append.
 */
export async function appendAuditEvent(tx: Transaction, input: AuditEventInput): Promise<AppendedAuditEvent> {
  await tx.execute(sql`select pg_advisory_xact_lock(${auditChainLockKey})`);
  const head = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(sql`${auditEvents.seq} desc`)
    .limit(1);
  const seq = (head[0]?.seq ?? 0) + 1;
  const prevHash = head[0]?.hash ?? genesisHash;
  const record: HashedAuditRecord = {
    seq,
    occurredAt: new Date().toISOString(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    outcome: input.outcome,
    correlationId: input.request.correlationId,
    ip: input.request.ip,
    userAgent: input.request.userAgent ? input.request.userAgent.slice(0, 300) : null,
    details: redactDetails(input.details ?? {}) as Record<string, unknown>,
  };
  const hash = chainHash(prevHash, record);
  // details is stored as the exact canonical bytes the hash covers for it (db/schema/audit.ts).
  await tx.insert(auditEvents).values({ ...record, occurredAt: new Date(record.occurredAt), details: canonicalJson(record.details), prevHash, hash });
  return { seq, hash };
}

/** Records an event in a transaction of its own: sign-in outcomes, denied access, failed actions. */
export async function recordAuditEvent(db: Executor, input: AuditEventInput): Promise<AppendedAuditEvent> {
  return db.transaction((tx) => appendAuditEvent(tx, input));
}
