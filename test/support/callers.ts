import { uuidv7 } from "uuidv7";
import type { Database } from "../../db/client";
import { staff } from "../../db/schema";
import { hashPassword } from "../../server/auth/password";
import type { Role } from "../../server/auth/permissions";
import { createSession, type StaffSession } from "../../server/auth/sessions";
import type { Context } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/root";

let cachedHash: Promise<string> | undefined;
export const testPassword = "correct horse battery staple";

export async function createStaffMember(db: Database, role: Role, overrides: { email?: string; displayName?: string } = {}) {
  cachedHash ??= hashPassword(testPassword);
  const id = uuidv7();
  const email = overrides.email ?? `${role}-${id.slice(-12)}@countersign.test`;
  await db.insert(staff).values({ id, email, displayName: overrides.displayName ?? `Test ${role}`, role, passwordHash: await cachedHash });
  return { id, email, role };
}

/** A tRPC caller signed in as a new staff member of the given role, with a real session row. */
export async function signedInCaller(db: Database, role: Role) {
  const member = await createStaffMember(db, role);
  const sessionId = await createSession(db, { staffId: member.id, ip: "127.0.0.1", userAgent: "vitest" });
  const session: StaffSession = { sessionId, staffId: member.id, role, displayName: `Test ${role}`, email: member.email };
  return { member, session, caller: createCaller(contextFor(db, session)) };
}

export function contextFor(db: Database, session: StaffSession | null): Context {
  return { db, session, request: { correlationId: uuidv7(), ip: "127.0.0.1", userAgent: "vitest" } };
}
