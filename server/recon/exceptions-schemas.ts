import { z } from "zod";
import { currencyCodeString } from "../money";
import { differenceClasses } from "./report-schemas";

export const exceptionStatuses = ["open", "investigating", "explained", "resolved"] as const;
export type ExceptionStatus = (typeof exceptionStatuses)[number];
/** The statuses a person may set; "resolved" is reached only through an executed adjustment. */
export const settableStatuses = ["open", "investigating", "explained"] as const;
export const unresolvedStatuses = ["open", "investigating", "explained"] as const;

export const exceptionPageSizeMax = 100;
export const bulkAssignMax = 200;
export const noteLengthMax = 2_000;

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, "must be 8-100 letters, digits or _.:-");
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/, "must be an ISO 8601 date-time");

export const exceptionFilter = z.strictObject({
  /** Unresolved (open, investigating, explained) when absent. */
  status: z.array(z.enum(exceptionStatuses)).min(1).max(exceptionStatuses.length).optional(),
  class: z.array(z.enum(differenceClasses)).min(1).max(differenceClasses.length).optional(),
  /** A staff id, or "none" for unassigned. */
  assignee: z.union([z.uuid(), z.literal("none")]).optional(),
  currency: currencyCodeString.optional(),
  /** Open at least this many days. */
  minAgeDays: z.number().int().min(0).max(3650).optional(),
  runId: z.uuid().optional(),
});
export type ExceptionFilter = z.infer<typeof exceptionFilter>;

export const exceptionListInput = exceptionFilter.extend({
  limit: z.number().int().min(1).max(exceptionPageSizeMax).default(50),
  /** Oldest first: the keyset is (opened_at, id) at microsecond precision. */
  cursor: z.strictObject({ at: instant, id: z.uuid() }).optional(),
});
export type ExceptionListInput = z.infer<typeof exceptionListInput>;

export const exceptionRow = z.object({
  id: z.uuid(),
  class: z.enum(differenceClasses),
  status: z.enum(exceptionStatuses),
  provider: z.string().nullable(),
  reference: z.string().nullable(),
  currency: z.string().nullable(),
  amount: z.string().nullable(),
  assigneeId: z.uuid().nullable(),
  assigneeName: z.string().nullable(),
  approvalRequestId: z.uuid().nullable(),
  openedAt: z.date(),
  updatedAt: z.date(),
  resolvedAt: z.date().nullable(),
});
export type ExceptionRow = z.infer<typeof exceptionRow>;

export const exceptionPage = z.object({ items: z.array(exceptionRow), next: z.object({ at: z.string(), id: z.uuid() }).nullable() });

export const noteView = z.object({ id: z.uuid(), kind: z.string(), body: z.string(), authorId: z.string(), authorName: z.string().nullable(), createdAt: z.date() });

export const exceptionDetail = exceptionRow.extend({
  fingerprint: z.string(),
  resolution: z.string().nullable(),
  accountId: z.uuid().nullable(),
  transactionId: z.uuid().nullable(),
  firstRunId: z.uuid(),
  lastRunId: z.uuid(),
  difference: z.object({
    id: z.uuid(),
    runId: z.uuid(),
    statementAmount: z.string().nullable(),
    ledgerAmount: z.string().nullable(),
    occurredOn: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  }),
  statementLine: z
    .object({ id: z.number().int(), importId: z.uuid(), lineNo: z.number().int(), kind: z.string(), status: z.string(), amount: z.string(), currency: z.string(), bookedOn: z.string(), description: z.string().nullable() })
    .nullable(),
  approval: z.object({ id: z.uuid(), status: z.string(), direction: z.string().nullable(), amount: z.string().nullable(), approvalsRequired: z.number().int(), resultRef: z.string().nullable(), createdAt: z.date() }).nullable(),
  /** What "Adjust the ledger" would raise, or why it cannot. */
  adjustment: z.object({ possible: z.boolean(), reason: z.string().nullable(), suggestedDirection: z.enum(["credit", "debit"]).nullable() }),
  notes: z.array(noteView),
});
export type ExceptionDetail = z.infer<typeof exceptionDetail>;

export const idInput = z.strictObject({ id: z.uuid() });

export const assignInput = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(bulkAssignMax),
  /** Null unassigns. */
  assigneeId: z.uuid().nullable(),
  idempotencyKey: idempotencyKey.optional(),
});

export const setStatusInput = z.strictObject({
  id: z.uuid(),
  status: z.enum(settableStatuses),
  comment: z.string().trim().max(noteLengthMax).optional(),
});

export const commentInput = z.strictObject({ id: z.uuid(), body: z.string().trim().min(1, "must not be empty").max(noteLengthMax) });

export const raiseAdjustmentInput = z.strictObject({
  id: z.uuid(),
  direction: z.enum(["credit", "debit"]),
  justification: z.string().trim().min(20, "must explain the adjustment in at least 20 characters").max(2000),
  ticketRef: z.string().trim().min(2).max(100),
  idempotencyKey,
});

export const assigneesOutput = z.array(z.object({ id: z.uuid(), displayName: z.string() }));
