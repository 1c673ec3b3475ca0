import { z } from "zod";
import { mutation, query, router } from "../trpc/procedures";
import { assignExceptions } from "./assign-exceptions";
import { commentOnException } from "./comment-on-exception";
import { exceptionDetailOf, listExceptions } from "./exception-queries";
import { assignInput, assigneesOutput, commentInput, exceptionDetail, exceptionListInput, exceptionPage, idInput, raiseAdjustmentInput, setStatusInput } from "./exceptions-schemas";
import { listAssignees } from "./list-assignees";
import { raiseExceptionAdjustment } from "./raise-exception-adjustment";
import { setExceptionStatus } from "./set-exception-status";

/** The exceptions workbench. Finance works exceptions (recon.run); auditors read them (recon.read). */
export const reconExceptionsRouter = router({
  list: query("recon.read")
    .input(exceptionListInput)
    .output(exceptionPage)
    .query(({ ctx, input }) => listExceptions(ctx.db, input)),

  get: query("recon.read")
    .input(idInput)
    .output(exceptionDetail)
    .query(({ ctx, input }) => exceptionDetailOf(ctx.db, input.id)),

  assignees: query("recon.read")
    .input(z.strictObject({}).optional())
    .output(assigneesOutput)
    .query(({ ctx }) => listAssignees(ctx.db)),

  assign: mutation("recon.run", "recon.exception_assigned")
    .input(assignInput)
    .output(z.object({ assigneeId: z.uuid().nullable(), changed: z.number().int(), unchanged: z.number().int() }))
    .mutation(({ ctx, input }) => assignExceptions(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  setStatus: mutation("recon.run", "recon.exception_status_changed")
    .input(setStatusInput)
    .output(z.object({ id: z.uuid(), status: z.enum(["open", "investigating", "explained"]), changed: z.boolean() }))
    .mutation(({ ctx, input }) => setExceptionStatus(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  comment: mutation("recon.run", "recon.exception_commented")
    .input(commentInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => commentOnException(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  raiseAdjustment: mutation("recon.run", "recon.exception_adjustment_raised")
    .input(raiseAdjustmentInput)
    .output(z.object({ id: z.uuid(), approvalRequestId: z.uuid(), approvalsRequired: z.number().int(), warnings: z.array(z.string()) }))
    .mutation(({ ctx, input }) => raiseExceptionAdjustment(ctx.tx, ctx.audit, ctx.session.staffId, input)),
});

