import { DomainError } from "../errors";
import { mutation, query, router } from "../trpc/procedures";
import { getAuditEvent, listAuditEvents } from "./queries";
import { auditEventView, auditPage, getAuditInput, listAuditInput, verifyChainOutput } from "./schemas";
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

  verifyChain: mutation("audit.read", "audit.verify")
    .input(z.strictObject({}).optional())
    .output(verifyChainOutput)
    .mutation(({ ctx }) => verifyAuditChain(ctx.db, ctx.audit)),
});
