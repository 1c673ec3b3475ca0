import { z } from "zod";
import type { Role } from "../auth/permissions";
import { decideRequest } from "../approvals/decide-request";
import { mutation, query, router } from "../trpc/procedures";
import { acknowledgeAlert, resolveAlert } from "./manage-alert";
import { alertCounts, alertDetail, listAlerts, monitorHistory, monitorsOverview } from "./queries";
import { checkMonitors } from "./run-checks";
import {
  alertActionInput,
  alertDetailView,
  alertListInput,
  alertPage,
  checkRunView,
  decideThresholdInput,
  monitorHistoryView,
  monitorView,
  proposeThresholdInput,
  thresholdRequestView,
} from "./schemas";
import { listThresholdRequests, proposeThresholdChange } from "./threshold-change";

const noInput = z.strictObject({}).optional();
const alertActionResult = z.object({ alertId: z.uuid(), status: z.enum(["acknowledged", "resolved"]) });
const viewer = (session: { staffId: string; role: Role }) => ({ staffId: session.staffId, role: session.role });

export const monitoringRouter = router({
  overview: query("monitor.read")
    .input(noInput)
    .output(z.array(monitorView))
    .query(({ ctx }) => monitorsOverview(ctx.db)),

  history: query("monitor.read")
    .input(z.strictObject({ monitor: z.string().min(1).max(100), limit: z.number().int().min(1).max(1000).default(200) }))
    .output(monitorHistoryView)
    .query(({ ctx, input }) => monitorHistory(ctx.db, input.monitor, input.limit)),

  alerts: query("monitor.read")
    .input(alertListInput)
    .output(alertPage)
    .query(({ ctx, input }) => listAlerts(ctx.db, input)),

  alert: query("monitor.read")
    .input(z.strictObject({ id: z.uuid() }))
    .output(alertDetailView)
    .query(({ ctx, input }) => alertDetail(ctx.db, input.id)),

  alertCounts: query("monitor.read")
    .input(noInput)
    .output(z.object({ critical: z.number().int(), warning: z.number().int(), unacknowledged: z.number().int() }))
    .query(({ ctx }) => alertCounts(ctx.db)),

  acknowledge: mutation("alert.manage", "alert.acknowledged")
    .input(alertActionInput)
    .output(alertActionResult)
    .mutation(({ ctx, input }) => acknowledgeAlert(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  resolve: mutation("alert.manage", "alert.resolved")
    .input(alertActionInput)
    .output(alertActionResult)
    .mutation(({ ctx, input }) => resolveAlert(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  // An operator's on-demand check; alert changes it causes are audited under the operator.
  checkNow: mutation("alert.manage", "monitor.check_now")
    .input(noInput)
    .output(checkRunView)
    .mutation(async ({ ctx }) => {
      const run = await checkMonitors(ctx.tx, (entry) => ctx.audit.record(entry));
      ctx.audit.details({ skipped: run.skipped, monitors: run.results.length });
      return run;
    }),

  thresholdRequests: query("monitor.read")
    .input(z.strictObject({ status: z.enum(["pending", "all"]).default("pending"), limit: z.number().int().min(1).max(100).default(20) }))
    .output(z.array(thresholdRequestView))
    .query(({ ctx, input }) => listThresholdRequests(ctx.db, input.status, input.limit)),

  proposeThreshold: mutation("policy.manage", "monitor.threshold_change_requested")
    .input(proposeThresholdInput)
    .output(z.object({ requestId: z.uuid(), payloadHash: z.string(), approvalsRequired: z.number().int() }))
    .mutation(({ ctx, input }) => proposeThresholdChange(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  decideThreshold: mutation("policy.manage", "approval.decide")
    .input(decideThresholdInput)
    .output(z.object({ requestId: z.uuid(), status: z.enum(["pending", "executed", "rejected", "failed"]), approvals: z.number().int(), approvalsRequired: z.number().int(), resultRef: z.string().nullable(), failureReason: z.string().nullable() }))
    .mutation(({ ctx, input }) => decideRequest(ctx.tx, ctx.audit, viewer(ctx.session), input, "monitor_threshold")),
});
