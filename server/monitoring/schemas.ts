import { z } from "zod";
import { decimalTextPattern } from "./evaluate";

const comment = z.string().trim().min(3, "must say at least 3 characters").max(500);
const decimalText = z.string().regex(decimalTextPattern, "must be a decimal number such as 5 or 0.25");

export const alertActionInput = z.strictObject({ alertId: z.uuid(), comment });

export const alertListInput = z.strictObject({
  status: z.enum(["open", "acknowledged", "resolved", "unresolved"]).optional(),
  severity: z.enum(["warning", "critical"]).optional(),
  monitor: z.string().max(100).optional(),
  before: z.strictObject({ firstSeenAt: z.date(), id: z.uuid() }).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type AlertListInput = z.infer<typeof alertListInput>;

export const proposeThresholdInput = z.strictObject({
  monitor: z.string().min(1).max(100),
  warning: decimalText,
  critical: decimalText,
  direction: z.enum(["above", "below"]),
  params: z.record(z.string().max(40), z.number().int()).default({}),
  justification: z.string().trim().min(10, "must say at least 10 characters").max(1000),
});

export const decideThresholdInput = z.strictObject({
  requestId: z.uuid(),
  payloadHash: z.string().regex(/^[0-9a-f]{64}$/),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(500).optional(),
});

const state = z.enum(["ok", "warning", "critical", "unknown"]);
const severity = z.enum(["warning", "critical"]);
const alertStatus = z.enum(["open", "acknowledged", "resolved"]);
const thresholdLevels = z.object({ warning: z.string(), critical: z.string(), direction: z.enum(["above", "below"]), params: z.record(z.string(), z.number()) });

const readingView = z.object({ value: z.string().nullable(), state, thresholdVersion: z.number().int().nullable(), details: z.record(z.string(), z.unknown()), checkedAt: z.date() });

export const monitorView = z.object({
  key: z.string(),
  group: z.string(),
  title: z.string(),
  description: z.string(),
  unit: z.string(),
  threshold: thresholdLevels.extend({ version: z.number().int() }),
  paramDefinitions: z.record(z.string(), z.object({ label: z.string(), min: z.number(), max: z.number() })),
  latest: readingView.nullable(),
  history: z.array(readingView),
  alert: z.object({ id: z.uuid(), monitor: z.string(), severity, status: alertStatus }).nullable(),
});

export const monitorHistoryView = z.object({ key: z.string(), title: z.string(), description: z.string(), unit: z.string(), group: z.string(), readings: z.array(readingView) });

export const alertView = z.object({
  id: z.uuid(),
  monitor: z.string(),
  monitorTitle: z.string(),
  severity,
  status: alertStatus,
  summary: z.string(),
  evidenceHref: z.string().nullable(),
  lastValue: z.string().nullable(),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  clearedAt: z.date().nullable(),
  acknowledgedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
});

export const alertPage = z.object({ items: z.array(alertView), next: z.object({ firstSeenAt: z.date(), id: z.uuid() }).nullable() });

export const alertDetailView = alertView.extend({
  events: z.array(z.object({ id: z.number().int(), kind: z.string(), actor: z.string(), actorName: z.string().nullable(), comment: z.string().nullable(), severity: severity.nullable(), value: z.string().nullable(), at: z.date() })),
});

export const checkRunView = z.object({
  skipped: z.boolean(),
  checkedAt: z.date(),
  results: z.array(z.object({ monitor: z.string(), state, value: z.string().nullable(), thresholdVersion: z.number().int(), alertId: z.string().nullable(), alertChange: z.enum(["opened", "escalated", "recurred", "seen", "cleared"]).nullable() })),
});

export const thresholdRequestView = z.object({
  id: z.uuid(),
  status: z.enum(["pending", "executed", "rejected", "cancelled", "expired", "failed"]),
  makerId: z.uuid(),
  payloadHash: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  decidedAt: z.date().nullable(),
  failureReason: z.string().nullable(),
  resultRef: z.string().nullable(),
  monitor: z.string(),
  justification: z.string(),
  basedOnVersion: z.number().int(),
  current: thresholdLevels.nullable(),
  proposed: thresholdLevels,
});
