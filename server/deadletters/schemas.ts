import { z } from "zod";

export const deadLetterStatuses = ["dead", "queued", "replaying", "replayed", "discarded"] as const;
export const editStatuses = ["pending", "approved", "rejected", "cancelled"] as const;
export const pageSizeMax = 100;
export const replayManyMax = 5_000;
export const replayIdsMax = 500;
export const replayRateMax = 200;
export const countsRangeDaysMax = 14;
export const editChangesMax = 20;

/** A time with up to microseconds, as the keyset cursor carries it (a JS Date would lose them). */
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/, "must be an ISO 8601 date-time");
const shortText = (max: number) => z.string().trim().min(1).max(max);

export const deadLetterFilter = z.strictObject({
  status: z.array(z.enum(deadLetterStatuses)).min(1).max(deadLetterStatuses.length).optional(),
  handler: shortText(100).optional(),
  eventType: shortText(100).optional(),
  provider: shortText(40).optional(),
  errorClass: shortText(100).optional(),
  /** Dead-lettered at or after. */
  from: instant.optional(),
  /** Dead-lettered before. */
  to: instant.optional(),
});
export type DeadLetterFilter = z.infer<typeof deadLetterFilter>;

export const listInput = deadLetterFilter.extend({
  limit: z.number().int().min(1).max(pageSizeMax).default(50),
  cursor: z.strictObject({ at: instant, id: z.uuid() }).optional(),
});
export type ListInput = z.infer<typeof listInput>;

export const deadLetterSummary = z.object({
  id: z.uuid(),
  source: z.enum(["inbox", "outbox"]),
  handler: z.string(),
  eventType: z.string(),
  provider: z.string().nullable(),
  eventId: z.string(),
  correlationId: z.string().nullable(),
  errorClass: z.string(),
  lastError: z.string(),
  attempts: z.number().int(),
  status: z.enum(deadLetterStatuses),
  firstDeadAt: z.date(),
  deadLetteredAt: z.date(),
  timesDead: z.number().int(),
  replayBatchId: z.uuid().nullable(),
  resolvedAt: z.date().nullable(),
  discardedAt: z.date().nullable(),
  discardReason: z.string().nullable(),
  pendingEditId: z.uuid().nullable(),
});
export type DeadLetterSummary = z.infer<typeof deadLetterSummary>;

export const listOutput = z.object({ items: z.array(deadLetterSummary), next: z.object({ at: z.string(), id: z.uuid() }).nullable() });

export const countsInput = z.strictObject({ from: instant.optional(), to: instant.optional(), status: z.array(z.enum(deadLetterStatuses)).min(1).optional() }).optional();
export const countsOutput = z.object({
  from: z.date(),
  to: z.date(),
  total: z.number().int(),
  byErrorClass: z.array(z.object({ errorClass: z.string(), count: z.number().int() })),
  byHour: z.array(z.object({ hour: z.date(), errorClass: z.string(), count: z.number().int() })),
});

export const facetsOutput = z.object({ handlers: z.array(z.string()), eventTypes: z.array(z.string()), providers: z.array(z.string()), errorClasses: z.array(z.string()) });

const attempt = z.object({
  id: z.number().int(),
  run: z.number().int(),
  attempt: z.number().int(),
  outcome: z.enum(["failed", "succeeded", "lost"]),
  retryable: z.boolean().nullable(),
  errorClass: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.date(),
  finishedAt: z.date(),
  workerId: z.string(),
});

const diffEntry = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

export const editView = z.object({
  id: z.uuid(),
  deadLetterId: z.uuid(),
  status: z.enum(editStatuses),
  editorId: z.uuid(),
  editorName: z.string(),
  deciderId: z.uuid().nullable(),
  deciderName: z.string().nullable(),
  reason: z.string(),
  diff: z.array(diffEntry),
  payloadHash: z.string(),
  decisionComment: z.string().nullable(),
  createdAt: z.date(),
  decidedAt: z.date().nullable(),
});

export const detailOutput = deadLetterSummary.extend({
  /** The payload as received, personal data masked. */
  payload: z.record(z.string(), z.unknown()),
  /** The approved edit's payload that replays use, masked; null when unedited. */
  editedPayload: z.record(z.string(), z.unknown()).nullable(),
  editablePaths: z.array(z.string()),
  attempts: z.array(attempt),
  edits: z.array(editView),
  links: z.object({
    inboxId: z.uuid().nullable(),
    outboxEventId: z.uuid().nullable(),
    ledgerTransactionId: z.uuid().nullable(),
    correlationId: z.string().nullable(),
    auditSeqs: z.array(z.number().int()),
  }),
});

export const idInput = z.strictObject({ id: z.uuid() });

export const replayOutput = z.object({
  id: z.uuid(),
  status: z.enum(deadLetterStatuses),
  /** requeued: this call made it due again; the others found it already on its way or done. */
  outcome: z.enum(["requeued", "already_in_progress", "already_replayed"]),
});

export const replayManyInput = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(replayIdsMax).optional(),
    filter: deadLetterFilter.omit({ status: true }).optional(),
    ratePerSecond: z.number().int().min(1).max(replayRateMax).default(20),
  })
  .refine((input) => (input.ids === undefined) !== (input.filter === undefined), { message: "give either ids or a filter", path: ["ids"] });
export type ReplayManyInput = z.infer<typeof replayManyInput>;

export const batchInput = z.strictObject({ batchId: z.uuid() });
export const batchView = z.object({
  id: z.uuid(),
  status: z.enum(["running", "completed", "cancelled"]),
  total: z.number().int(),
  ratePerSecond: z.number().int(),
  requestedBy: z.uuid(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
  cancelledCount: z.number().int(),
});
export const progressOutput = z.object({
  batch: batchView,
  counts: z.object({ queued: z.number().int(), replaying: z.number().int(), replayed: z.number().int(), deadAgain: z.number().int(), discarded: z.number().int() }),
  /** Items whose replay has ended, either way, or that were cancelled: the progress bar's value out of total. */
  settled: z.number().int(),
});

export const discardInput = z.strictObject({ id: z.uuid(), reason: z.string().trim().min(10, "must say why in at least 10 characters").max(500) });

export const proposeEditInput = z.strictObject({
  id: z.uuid(),
  changes: z
    .array(z.strictObject({ path: z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*){0,3}$/, "must be a dotted field path such as data.customerRef"), value: z.string().max(200) }))
    .min(1)
    .max(editChangesMax)
    .refine((changes) => new Set(changes.map((change) => change.path)).size === changes.length, "each path at most once"),
  reason: z.string().trim().min(10, "must say why in at least 10 characters").max(500),
});
export type ProposeEditInput = z.infer<typeof proposeEditInput>;

export const decideEditInput = z.strictObject({
  editId: z.uuid(),
  /** The hash of the edited payload the decider reviewed: an approval binds to exactly that payload. */
  payloadHash: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 hex digest"),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(500).optional(),
});

export const healthOutput = z.object({
  deadLetters: z.number().int(),
  inboxBacklog: z.number().int(),
  oldestInboxPendingSeconds: z.number().int().nullable(),
  outboxBacklog: z.number().int(),
  oldestUndeliveredSeconds: z.number().int().nullable(),
});
