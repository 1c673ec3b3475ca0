import { z } from "zod";
import type { Role } from "../auth/permissions";
import { mutation, query, router } from "../trpc/procedures";
import { bulkDecide } from "./bulk-decide";
import { cancelRequest } from "./cancel-request";
import { createAdjustmentRequest } from "./create-adjustment-request";
import { decideRequest } from "./decide-request";
import { describeActivePolicy } from "./policy";
import { previewAdjustment } from "./preview-adjustment";
import { proposePolicyChange } from "./propose-policy-change";
import { countRequests, listRequests } from "./queries";
import { requestDetail } from "./request-detail";
import {
  activePolicyView,
  adjustmentPreview,
  bulkDecideInput,
  bulkResult,
  cancelInput,
  createAdjustmentInput,
  decideInput,
  decisionResult,
  listPolicyChangesInput,
  listRequestsInput,
  previewAdjustmentInput,
  proposePolicyInput,
  requestDetailView,
  requestPage,
} from "./schemas";

const created = z.object({ requestId: z.uuid(), payloadHash: z.string(), approvalsRequired: z.number().int(), policyRule: z.string(), warnings: z.array(z.string()) });
const viewer = (session: { staffId: string; role: Role }) => ({ staffId: session.staffId, role: session.role });

export const approvalsRouter = router({
  preview: query("adjustment.create")
    .input(previewAdjustmentInput)
    .output(adjustmentPreview)
    .query(({ ctx, input }) => previewAdjustment(ctx.db, ctx.session.staffId, input)),

  create: mutation("adjustment.create", "adjustment.requested")
    .input(createAdjustmentInput)
    .output(created)
    .mutation(({ ctx, input }) => createAdjustmentRequest(ctx.tx, ctx.audit, { staffId: ctx.session.staffId }, input)),

  cancel: mutation("adjustment.create", "approval.cancelled")
    .input(cancelInput)
    .output(z.object({ requestId: z.uuid(), status: z.literal("cancelled") }))
    .mutation(({ ctx, input }) => cancelRequest(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  decide: mutation("adjustment.approve", "approval.decide")
    .input(decideInput)
    .output(decisionResult)
    .mutation(({ ctx, input }) => decideRequest(ctx.tx, ctx.audit, viewer(ctx.session), input, "adjustment")),

  bulkDecide: mutation("adjustment.approve", "approval.bulk_decide")
    .input(bulkDecideInput)
    .output(bulkResult)
    .mutation(({ ctx, input }) => bulkDecide(ctx.tx, ctx.audit, viewer(ctx.session), input)),

  list: query("adjustment.read")
    .input(listRequestsInput)
    .output(requestPage)
    .query(({ ctx, input }) => listRequests(ctx.db, viewer(ctx.session), input)),

  counts: query("adjustment.read")
    .input(z.strictObject({}).optional())
    .output(z.object({ waitingForMe: z.number().int(), myPending: z.number().int() }))
    .query(({ ctx }) => countRequests(ctx.db, viewer(ctx.session))),

  get: query("adjustment.read")
    .input(z.strictObject({ id: z.uuid() }))
    .output(requestDetailView)
    .query(({ ctx, input }) => requestDetail(ctx.db, viewer(ctx.session), input.id)),

  policy: query("policy.manage")
    .input(z.strictObject({}).optional())
    .output(activePolicyView)
    .query(({ ctx }) => describeActivePolicy(ctx.db)),

  // Policy managers without adjustment.read (administrators) read and decide policy changes only.
  policyChanges: query("policy.manage")
    .input(listPolicyChangesInput.optional())
    .output(requestPage)
    .query(({ ctx, input }) => listRequests(ctx.db, viewer(ctx.session), { queue: "all", kind: "policy_change", status: input?.status, limit: input?.limit ?? 50 })),

  policyChange: query("policy.manage")
    .input(z.strictObject({ id: z.uuid() }))
    .output(requestDetailView)
    .query(({ ctx, input }) => requestDetail(ctx.db, viewer(ctx.session), input.id, "policy_change")),

  proposePolicy: mutation("policy.manage", "policy.change_requested")
    .input(proposePolicyInput)
    .output(created)
    .mutation(({ ctx, input }) => proposePolicyChange(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  decidePolicy: mutation("policy.manage", "approval.decide")
    .input(decideInput)
    .output(decisionResult)
    .mutation(({ ctx, input }) => decideRequest(ctx.tx, ctx.audit, viewer(ctx.session), input, "policy_change")),
});
