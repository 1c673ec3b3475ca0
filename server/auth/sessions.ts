import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { staff, staffSessions } from "@/db/schema";
import type { Role } from "./permissions";

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export interface StaffSession {
  sessionId: string;
  staffId: string;
  role: Role;
  displayName: string;
  email: string;
}

// last_seen_at is written at most this often, so a busy console does not write on every request.
const touchIntervalMs = 60_000;

export async function createSession(
  db: Executor,
  input: { staffId: string; ip: string | null; userAgent: string | null },
): Promise<string> {
  const [row] = await db
    .insert(staffSessions)
    .values({ staffId: input.staffId, ip: input.ip, userAgent: input.userAgent?.slice(0, 300) ?? null })
    .returning({ id: staffSessions.id });
  if (!row) throw new Error("session insert returned no row");
  return row.id;
}

/**
 * The server-side half of every request's authentication: the JWT only names a session, and the
 * session is valid only while it is not revoked, not idle too long, not too old and its staff
 * member is active. An invalid session is revoked with the reason, so it stays dead.
 */
export async function resolveSession(db: Executor, sessionId: string, policy: SessionPolicy, now = new Date()): Promise<StaffSession | null> {
  if (!/^[0-9a-f-]{36}$/.test(sessionId)) return null;
  const [row] = await db
    .select({
      sessionId: staffSessions.id,
      createdAt: staffSessions.createdAt,
      lastSeenAt: staffSessions.lastSeenAt,
      revokedAt: staffSessions.revokedAt,
      staffId: staff.id,
      role: staff.role,
      status: staff.status,
      displayName: staff.displayName,
      email: staff.email,
    })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .where(eq(staffSessions.id, sessionId));
  if (!row || row.revokedAt) return null;
  const expiry = sessionExpiry(row, policy, now);
  if (expiry) {
    await revokeSession(db, sessionId, expiry);
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > touchIntervalMs) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, sessionId));
  }
  return { sessionId: row.sessionId, staffId: row.staffId, role: row.role, displayName: row.displayName, email: row.email };
}

function sessionExpiry(
  row: { createdAt: Date; lastSeenAt: Date; status: "active" | "disabled" },
  policy: SessionPolicy,
  now: Date,
): string | null {
  if (row.status !== "active") return "staff_disabled";
  if (now.getTime() - row.createdAt.getTime() > policy.maxHours * 3_600_000) return "absolute_timeout";
  if (now.getTime() - row.lastSeenAt.getTime() > policy.idleMinutes * 60_000) return "idle_timeout";
  return null;
}

export async function revokeSession(db: Executor, sessionId: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(staffSessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)))
    .returning({ id: staffSessions.id });
  return rows.length > 0;
}

export async function revokeSessionsOf(db: Executor, staffId: string, reason: string): Promise<number> {
  const rows = await db
    .update(staffSessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.revokedAt)))
    .returning({ id: staffSessions.id });
  return rows.length;
}

/** Housekeeping for the worker: marks sessions that timed out so the table tells the truth. */
export async function expireStaleSessions(db: Executor, policy: SessionPolicy, now = new Date()): Promise<number> {
  const idleBefore = new Date(now.getTime() - policy.idleMinutes * 60_000);
  const createdBefore = new Date(now.getTime() - policy.maxHours * 3_600_000);
  const rows = await db
    .update(staffSessions)
    .set({ revokedAt: now, revokedReason: sql`case when ${staffSessions.createdAt} < ${createdBefore.toISOString()}::timestamptz then 'absolute_timeout' else 'idle_timeout' end` })
    .where(and(isNull(staffSessions.revokedAt), or(lt(staffSessions.lastSeenAt, idleBefore), lt(staffSessions.createdAt, createdBefore))))
    .returning({ id: staffSessions.id });
  return rows.length;
}
