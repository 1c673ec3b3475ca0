/**
 * Per-test data, written straight into the instance's database as the application role: a journey
 * that needs its own staff member gets one nobody else signs in as, so throttling or disabling it
 * cannot disturb any other test.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { connectDatabase, type DatabaseHandle } from "../../db/client";
import { auditEvents, staff } from "../../db/schema";
import { appendAuditEvent } from "../../server/audit/append-audit-event";
import { hashPassword } from "../../server/auth/password";
import type { Role } from "../../server/auth/permissions";
import { readInstance } from "./instance";

export interface TestStaff {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  password: string;
}

/** A short random token that makes names and emails unique per run and per test. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = connectDatabase(readInstance().appUrl, { maxConnections: 1, applicationName: "countersign-e2e" });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** An active staff member of the given role, created (and audited) for one test. */
export async function createStaffMember(role: Role, name: string): Promise<TestStaff> {
  const suffix = uniqueSuffix();
  const member = {
    email: `e2e-${role}-${suffix}@countersign.test`,
    displayName: `${name} ${suffix}`,
    role,
    password: `e2e-password-${randomBytes(9).toString("base64url")}`,
  };
  const passwordHash = await hashPassword(member.password);
  const id = await withDatabase(({ db }) =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(staff)
        .values({ email: member.email, displayName: member.displayName, role, passwordHash })
        .returning({ id: staff.id });
      if (!row) throw new Error("staff insert returned no row");
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "e2e" },
        action: "staff.create",
        outcome: "success",
        target: { type: "staff", id: row.id },
        details: { role, e2e: true },
        request: { correlationId: null, ip: null, userAgent: null },
      });
      return row.id;
    }),
  );
  return { id, ...member };
}

export async function staffIdByEmail(email: string): Promise<string | null> {
  return withDatabase(async ({ db }) => {
    const [row] = await db.select({ id: staff.id }).from(staff).where(eq(staff.email, email));
    return row?.id ?? null;
  });
}

/** Audit records with this actor and action, newest first. */
export async function auditRecordsOf(actorId: string, action: string) {
  return withDatabase(({ db }) =>
    db
      .select({ seq: auditEvents.seq, outcome: auditEvents.outcome, targetType: auditEvents.targetType, targetId: auditEvents.targetId, details: auditEvents.details, hash: auditEvents.hash, prevHash: auditEvents.prevHash })
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );
}
