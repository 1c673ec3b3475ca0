import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { recordAuditEvent } from "../audit/append-audit-event";
import { database } from "../db";
import { requestMetaFrom } from "../http/request-meta";
import { logger } from "../log";
import { currentSession } from "./current-session";
import { can, type Permission } from "./permissions";
import type { StaffSession } from "./sessions";

/** The signed-in staff member for a console page, or a redirect to sign-in. */
export async function requireSignedIn(path: string): Promise<StaffSession> {
  const session = await currentSession(await cookies(), await headers());
  if (!session) redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  return session;
}

export type PageAccess = { allowed: true; session: StaffSession } | { allowed: false; session: StaffSession; permission: Permission };

/**
 * Checks a page's permission on the server. A refusal is an audited denied access, and the page
 * explains which permission is missing instead of showing a blank 403.
 */
export async function pageAccess(permission: Permission, path: string): Promise<PageAccess> {
  const session = await requireSignedIn(path);
  if (can(session.role, permission)) return { allowed: true, session };
  await recordAuditEvent(database().db, {
    actor: { type: "staff", id: session.staffId },
    action: "access.denied",
    outcome: "denied",
    target: { type: "page", id: path },
    details: { permission, role: session.role },
    request: requestMetaFrom(await headers()),
  }).catch((error: unknown) => logger.error({ err: error }, "could not audit a denied page"));
  return { allowed: false, session, permission };
}
