import { eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { approvalRequests } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";

/** The maker withdraws their own pending request. */
export async function cancelRequest(tx: Transaction, audit: AuditScope, makerId: string, input: { requestId: string; reason: string }) {
  const [request] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, input.requestId)).for("update");
  if (!request) throw new DomainError("NOT_FOUND", "No such request.", { field: "requestId" });
  audit.target("approval_request", request.id);
  audit.details({ reason: input.reason });
  if (request.makerId !== makerId) throw new DomainError("NOT_MAKER", "Only the maker can cancel a request.", { field: "requestId" });
  if (request.status !== "pending") throw new DomainError("NOT_PENDING", `This request is already ${request.status}.`, { field: "requestId" });
  await tx.update(approvalRequests).set({ status: "cancelled", decidedAt: new Date() }).where(eq(approvalRequests.id, request.id));
  return { requestId: request.id, status: "cancelled" as const };
}
