import Decimal from "decimal.js";
import { z } from "zod";
import { roles } from "../auth/permissions";
import { amountString, currencyCodeString } from "../money";

export const adjustmentReasons = ["goodwill", "bonus_correction", "void_bet", "chargeback", "reconciliation_fix", "other"] as const;
export const approvalStatuses = ["pending", "executed", "rejected", "cancelled", "expired", "failed"] as const;
export const approvalKinds = ["adjustment", "policy_change", "monitor_threshold"] as const;
export const justificationLengthMin = 20;
export const bulkItemsMax = 50;

const decimal = z.custom<Decimal>((value) => Decimal.isDecimal(value), "must be a decimal amount");
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, "must be 8-100 letters, digits or _.:-");
const hash = z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 hex digest");

export const policyRuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{2,60}$/, "must be 2-60 letters, digits or dashes"),
  description: z.string().min(3).max(200),
  currency: currencyCodeString.optional(),
  reasonCodes: z.array(z.enum(adjustmentReasons)).min(1).optional(),
  accountTypes: z.array(z.enum(["asset", "liability", "equity", "income", "expense"])).min(1).optional(),
  minAmount: amountString.optional(),
  maxAmount: amountString.optional(),
  approvalsRequired: z.union([z.literal(1), z.literal(2)]),
  approverRoles: z.array(z.enum(roles)).min(1),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const policyDocumentSchema = z.strictObject({
  rules: z
    .array(policyRuleSchema)
    .min(1)
    .max(100)
    .refine((rules) => new Set(rules.map((rule) => rule.id)).size === rules.length, "rule ids must be unique")
    .refine((rules) => rules.some((rule) => !rule.currency && !rule.reasonCodes && !rule.accountTypes && !rule.minAmount && !rule.maxAmount), "needs a catch-all rule with no conditions"),
  dailyCaps: z.record(currencyCodeString, amountString),
  expiryHours: z.number().int().min(1).max(24 * 30),
});
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

export const adjustmentFields = z.strictObject({
  accountId: z.uuid(),
  direction: z.enum(["credit", "debit"]),
  amount: amountString,
  currency: currencyCodeString,
  reasonCode: z.enum(adjustmentReasons),
  justification: z.string().trim().min(justificationLengthMin, `must explain the adjustment in at least ${justificationLengthMin} characters`).max(2000),
  ticketRef: z.string().trim().min(2).max(100),
  reconExceptionId: z.uuid().optional(),
});
export type AdjustmentFields = z.infer<typeof adjustmentFields>;

export const createAdjustmentInput = adjustmentFields.extend({ idempotencyKey });
export const previewAdjustmentInput = adjustmentFields.partial({ justification: true, ticketRef: true });

export const adjustmentPreview = z.object({
  accountCode: z.string(),
  accountCurrency: z.string(),
  balanceNow: decimal,
  balanceAfter: decimal,
  policyVersion: z.number().int(),
  policyRule: z.string(),
  policyRuleDescription: z.string(),
  approvalsRequired: z.number().int(),
  approverRoles: z.array(z.string()),
  dailyCapRemaining: decimal.nullable(),
  pendingForAccount: z.array(z.object({ id: z.uuid(), amount: decimal.nullable(), direction: z.string().nullable(), reasonCode: z.string().nullable() })),
});

export const decideInput = z.strictObject({
  requestId: z.uuid(),
  payloadHash: hash,
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(1000).optional(),
});

export const bulkDecideInput = z.strictObject({
  items: z.array(z.strictObject({ requestId: z.uuid(), payloadHash: hash })).min(1).max(bulkItemsMax),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(1000).optional(),
});

export const cancelInput = z.strictObject({ requestId: z.uuid(), reason: z.string().trim().min(5).max(500) });

export const requestSummary = z.object({
  id: z.uuid(),
  kind: z.enum(approvalKinds),
  status: z.enum(approvalStatuses),
  makerId: z.uuid(),
  makerName: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  decidedAt: z.date().nullable(),
  approvalsRequired: z.number().int(),
  approvals: z.number().int(),
  accountId: z.uuid().nullable(),
  accountCode: z.string().nullable(),
  accountName: z.string().nullable(),
  currency: z.string().nullable(),
  amount: decimal.nullable(),
  direction: z.enum(["credit", "debit"]).nullable(),
  reasonCode: z.enum(adjustmentReasons).nullable(),
  payloadHash: z.string(),
  failureReason: z.string().nullable(),
  resultRef: z.string().nullable(),
});
export type RequestSummary = z.infer<typeof requestSummary>;

export const decisionResult = z.object({
  requestId: z.uuid(),
  status: z.enum(approvalStatuses),
  approvals: z.number().int(),
  approvalsRequired: z.number().int(),
  resultRef: z.string().nullable(),
  failureReason: z.string().nullable(),
});

export const bulkResult = z.object({
  results: z.array(
    z.object({ requestId: z.uuid(), ok: z.boolean(), status: z.enum(approvalStatuses).nullable(), code: z.string().nullable(), message: z.string().nullable() }),
  ),
});

export const listRequestsInput = z.strictObject({
  queue: z.enum(["waiting", "mine", "all"]).default("all"),
  kind: z.enum(approvalKinds).optional(),
  status: z.enum(approvalStatuses).optional(),
  reasonCode: z.enum(adjustmentReasons).optional(),
  currency: currencyCodeString.optional(),
  amountMin: amountString.optional(),
  amountMax: amountString.optional(),
  makerId: z.uuid().optional(),
  accountId: z.uuid().optional(),
  olderThanHours: z.number().int().min(1).max(24 * 365).optional(),
  beforeCreatedAt: z.iso.datetime({ offset: true }).optional(),
  beforeId: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListRequestsInput = z.infer<typeof listRequestsInput>;

export const proposePolicyInput = z.strictObject({
  idempotencyKey,
  justification: z.string().trim().min(justificationLengthMin).max(2000),
  policy: policyDocumentSchema,
});


/** A policy document as stored and shown; validation of proposals is policyDocumentSchema's job. */
const policyDocumentView = z.object({
  rules: z.array(policyRuleSchema),
  dailyCaps: z.record(z.string(), z.string()),
  expiryHours: z.number().int(),
});

export const activePolicyView = policyDocumentView.extend({
  version: z.number().int(),
  activatedAt: z.date(),
  /** The approved policy-change request that activated this version; null for the initial policy. */
  requestId: z.uuid().nullable(),
});
export type ActivePolicyView = z.infer<typeof activePolicyView>;

const permittedAction = z.object({ allowed: z.boolean(), reason: z.string().nullable() });

export const requestDetailView = requestSummary.extend({
  payload: z.record(z.string(), z.unknown()),
  policyVersion: z.number().int(),
  policyRule: z.string(),
  policyRuleDescription: z.string(),
  approverRoles: z.array(z.string()),
  reconExceptionId: z.uuid().nullable(),
  justification: z.string().nullable(),
  ticketRef: z.string().nullable(),
  decisions: z.array(
    z.object({
      approverId: z.uuid(),
      approverName: z.string(),
      decision: z.enum(["approve", "reject"]),
      comment: z.string().nullable(),
      createdAt: z.date(),
      payloadHash: z.string(),
    }),
  ),
  timeline: z.array(
    z.object({
      seq: z.number().int(),
      occurredAt: z.date(),
      action: z.string(),
      outcome: z.enum(["success", "denied", "failed"]),
      actorId: z.string(),
      actorName: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
  /** The checker's preview of an adjustment: balance when requested, now, and after execution. */
  balances: z.object({ atRequest: decimal, now: decimal, after: decimal, drift: decimal }).nullable(),
  /** A policy change: the proposal and the version it was based on, for the diff. */
  policyChange: z
    .object({
      basedOnVersion: z.number().int(),
      basedOn: policyDocumentView.nullable(),
      proposed: policyDocumentView,
      activeVersion: z.number().int(),
    })
    .nullable(),
  /** A monitor threshold change: the thresholds it was based on beside the proposal. */
  monitorThreshold: z
    .object({
      monitor: z.string(),
      basedOnVersion: z.number().int(),
      current: z.object({ warning: z.string(), critical: z.string(), direction: z.string(), params: z.record(z.string(), z.unknown()) }).nullable(),
      proposed: z.object({ warning: z.string(), critical: z.string(), direction: z.string(), params: z.record(z.string(), z.unknown()) }),
    })
    .nullable()
    .optional(),
  actions: z.object({ decide: permittedAction, cancel: permittedAction }),
});
export type RequestDetailView = z.infer<typeof requestDetailView>;

export const requestPage = z.object({ items: z.array(requestSummary), next: z.object({ beforeCreatedAt: z.string(), beforeId: z.uuid() }).nullable() });

export const listPolicyChangesInput = z.strictObject({
  status: z.enum(approvalStatuses).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
