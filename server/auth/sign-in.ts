import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { staff } from "@/db/schema";
import { appendAuditEvent, recordAuditEvent, type RequestMeta } from "../audit/append-audit-event";
import { verifyPassword } from "./password";
import { createSession, revokeSession } from "./sessions";
import { checkThrottle, emailKey, recordAttempt, type ThrottlePolicy } from "./throttle";

export type SignInResult =
  | { ok: true; staffId: string; sessionId: string }
  | { ok: false; reason: "invalid_credentials" | "throttled" };

export interface SignInInput {
  email: string;
  password: string;
}

/**
 * Checks the throttle, the password and the account, then opens a fresh session (a new id at every
 * sign-in). Every outcome is an audit record; failures name the account by id when it exists and
 * never carry the typed email or password.
 */
export async function signIn(
  db: Database,
  input: SignInInput,
  request: RequestMeta,
  policy: ThrottlePolicy & { secret: string },
): Promise<SignInResult> {
  const key = emailKey(input.email, policy.secret);
  const ip = request.ip ?? "unknown";
  const throttle = await checkThrottle(db, key, ip, policy);
  const [account] = await db.select().from(staff).where(eq(sql`lower(${staff.email})`, input.email.trim().toLowerCase()));
  const actor = account ? { type: "staff" as const, id: account.id } : { type: "anonymous" as const, id: "unknown-account" };
  if (throttle.throttled) {
    await recordAuditEvent(db, { actor, action: "auth.sign_in", outcome: "denied", details: { reason: "throttled" }, request });
    return { ok: false, reason: "throttled" };
  }
  const passwordMatches = await verifyPassword(account?.passwordHash ?? null, input.password);
  if (!account || !passwordMatches || account.status !== "active") {
    const reason = !account ? "unknown_account" : !passwordMatches ? "wrong_password" : "account_disabled";
    await db.transaction(async (tx) => {
      await recordAttempt(tx, key, ip, false);
      await appendAuditEvent(tx, { actor, action: "auth.sign_in", outcome: "failed", details: { reason }, request });
    });
    return { ok: false, reason: "invalid_credentials" };
  }
  const sessionId = await db.transaction(async (tx) => {
    await recordAttempt(tx, key, ip, true);
    const id = await createSession(tx, { staffId: account.id, ip: request.ip, userAgent: request.userAgent });
    await appendAuditEvent(tx, {
      actor,
      action: "auth.sign_in",
      outcome: "success",
      target: { type: "session", id },
      details: { role: account.role },
      request,
    });
    return id;
  });
  return { ok: true, staffId: account.id, sessionId };
}

export async function signOut(db: Database, session: { sessionId: string; staffId: string }, request: RequestMeta): Promise<void> {
  await db.transaction(async (tx) => {
    const revoked = await revokeSession(tx, session.sessionId, "signed_out");
    if (!revoked) return;
    await appendAuditEvent(tx, {
      actor: { type: "staff", id: session.staffId },
      action: "auth.sign_out",
      outcome: "success",
      target: { type: "session", id: session.sessionId },
      request,
    });
  });
}
