import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accountBalances } from "@/db/schema";
import { can, type Role } from "../auth/permissions";
import { MoneyDecimal } from "../money";
import { balanceChange } from "./create-adjustment-request";
import { getRequest } from "./queries";

export interface Viewer {
  staffId: string;
  role: Role;
}

/**
 * A request as a given viewer sees it: the checker's preview (balance at request time, now, and
 * after; drift since the request), and each action with whether this viewer may take it and why not.
 */
export async function requestDetail(db: Executor, viewer: Viewer, id: string) {
  const request = await getRequest(db, id);
  let balances = null;
  if (request.kind === "adjustment" && request.accountId && request.amount && request.direction) {
    const [row] = await db.select({ balance: accountBalances.balance }).from(accountBalances).where(eq(accountBalances.accountId, request.accountId));
    const now = row?.balance ?? new MoneyDecimal(0);
    const atRequest = request.balanceAtRequest ?? now;
    balances = { atRequest, now, after: now.plus(balanceChange(request.direction, request.amount)), drift: now.minus(atRequest) };
  }
  const decidedByViewer = request.decisions.some((decision) => decision.approverId === viewer.staffId);
  const permission = request.kind === "adjustment" ? "adjustment.approve" : "policy.manage";
  const decideBlocked =
    request.status !== "pending"
      ? `This request is ${request.status}.`
      : request.makerId === viewer.staffId
        ? "You made this request; someone else must decide it."
        : !can(viewer.role, permission)
          ? `Your role lacks the ${permission} permission.`
          : !request.approverRoles.includes(viewer.role)
            ? `Only ${request.approverRoles.join(" or ")} may decide this request.`
            : decidedByViewer
              ? "You have already decided this request."
              : null;
  const cancelBlocked = request.status !== "pending" ? `This request is ${request.status}.` : request.makerId !== viewer.staffId ? "Only the maker can cancel." : null;
  return { ...request, balances, actions: { decide: { allowed: decideBlocked === null, reason: decideBlocked }, cancel: { allowed: cancelBlocked === null, reason: cancelBlocked } } };
}
