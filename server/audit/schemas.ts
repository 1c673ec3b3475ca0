import { z } from "zod";

export const auditOutcomes = ["success", "denied", "failed"] as const;
export const auditPageSizeMax = 200;

export const listAuditInput = z.strictObject({
  actor: z.string().trim().min(1).max(100).optional(),
  action: z.string().trim().min(1).max(100).optional(),
  targetType: z.string().trim().min(1).max(50).optional(),
  targetId: z.string().trim().min(1).max(100).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Keyset cursor: return records with seq below this one. */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(auditPageSizeMax).default(50),
});
export type ListAuditInput = z.infer<typeof listAuditInput>;

export const auditEventView = z.object({
  seq: z.number().int(),
  occurredAt: z.date(),
  actorType: z.enum(["staff", "service", "anonymous"]),
  actorId: z.string(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(auditOutcomes),
  correlationId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEventView = z.infer<typeof auditEventView>;

export const auditPage = z.object({ items: z.array(auditEventView), nextBeforeSeq: z.number().int().nullable() });

export const getAuditInput = z.strictObject({ seq: z.number().int().positive() });

export const verifyChainOutput = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  headSeq: z.number().int(),
  headHash: z.string(),
  firstBreak: z.object({ seq: z.number().int(), reason: z.string(), detail: z.string() }).nullable(),
  checkpointsChecked: z.number().int(),
  elapsedMs: z.number(),
});

export const checkpointStatus = z.object({
  checkpoint: z.object({ seq: z.number().int(), signedAt: z.date(), keyId: z.string(), exportedTo: z.string().nullable() }).nullable(),
  verification: z
    .object({
      finishedAt: z.date(),
      ok: z.boolean(),
      records: z.number().int(),
      headSeq: z.number().int().nullable(),
      firstBrokenSeq: z.number().int().nullable(),
      reason: z.string().nullable(),
      checkpointsChecked: z.number().int(),
      trigger: z.string(),
    })
    .nullable(),
});
export type CheckpointStatus = z.infer<typeof checkpointStatus>;
