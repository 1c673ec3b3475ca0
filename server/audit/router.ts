import { DomainError } from "../errors";
import { mutation, query, router } from "../trpc/procedures";
import { getCheckpointStatus } from "./checkpoint-status";
import { getAuditEvent, listAuditEvents } from "./queries";
import { auditEventView, auditPage, checkpointStatus, getAuditInput, listAuditInput, verifyChainOutput } from "./schemas";
import { verifyAuditChain } from "./verify-audit-chain";
import { z } from "zod";

export const auditRouter = router({
  list: query("audit.read")
    .input(listAuditInput)
    .output(auditPage)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),

  get: query("audit.read")
    .input(getAuditInput)
    .output(auditEventView)
    .query(async ({ ctx, input }) => {
      const event = await getAuditEvent(ctx.db, input.seq);
      if (!event) throw new DomainError("NOT_FOUND", `No audit record with seq ${input.seq}.`, { field: "seq" });
      return event;
    }),

  checkpointStatus: query("audit.read")
    .input(z.strictObject({}).optional())
    .output(checkpointStatus)
    .query(({ ctx }) => getCheckpointStatus(ctx.db)),

  verifyChain: mutation("audit.read", "audit.verify")
    .input(z.strictObject({}).optional())
    .output(verifyChainOutput)
    .mutation(({ ctx }) => verifyAuditChain(ctx.db, ctx.audit)),
});
