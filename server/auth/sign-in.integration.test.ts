import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staff, staffSessions } from "@/db/schema";
import { createStaffMember, testPassword } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { resolveSession } from "./sessions";
import { signIn, signOut } from "./sign-in";

const policy = { secret: "x".repeat(32), maxFailuresPerAccount: 3, maxFailuresPerAddress: 6, windowMinutes: 15 };
const sessionPolicy = { idleMinutes: 30, maxHours: 12 };
const from = (ip: string) => ({ correlationId: "sign-in-test", ip, userAgent: "vitest" });

describe("sign-in, sessions and throttling", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("a correct password opens a fresh session each time and audits the success without the email", async () => {
    const member = await createStaffMember(database.app.db, "support");
    const first = await signIn(database.app.db, { email: member.email.toUpperCase(), password: testPassword }, from("10.1.0.1"), policy);
    const second = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.1.0.1"), policy);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.sessionId).not.toBe(second.sessionId);
    const audit = await database.owner`select actor_id, outcome, details::text as details from audit_events where action = 'auth.sign_in' and actor_id = ${member.id}`;
    expect(audit).toHaveLength(2);
    expect(audit.every((row) => row.outcome === "success" && !row.details.includes(member.email))).toBe(true);
  });

  it("a wrong password and an unknown account fail alike and are audited as failed", async () => {
    const member = await createStaffMember(database.app.db, "finance");
    const wrong = await signIn(database.app.db, { email: member.email, password: "not the password" }, from("10.2.0.1"), policy);
    const unknown = await signIn(database.app.db, { email: "nobody@countersign.test", password: "whatever" }, from("10.2.0.1"), policy);
    expect(wrong).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(unknown).toEqual({ ok: false, reason: "invalid_credentials" });
    const audit = await database.owner`select actor_type, outcome, details::jsonb->>'reason' as reason from audit_events where action = 'auth.sign_in' and outcome = 'failed' and ip = '10.2.0.1' order by seq`;
    expect(audit.map((row) => [row.actor_type, row.reason])).toEqual([
      ["staff", "wrong_password"],
      ["anonymous", "unknown_account"],
    ]);
    const raw = await database.owner`select count(*)::int as n from audit_events where details::text like '%nobody@%'`;
    expect(raw[0]?.n).toBe(0);
  });

  it("throttles an account after repeated failures, even with the right password, from any address", async () => {
    const member = await createStaffMember(database.app.db, "operations");
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await signIn(database.app.db, { email: member.email, password: "wrong-password" }, from(`10.3.0.${attempt}`), policy);
    }
    const blocked = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.3.9.9"), policy);
    expect(blocked).toEqual({ ok: false, reason: "throttled" });
    const denied = await database.owner`select count(*)::int as n from audit_events where action = 'auth.sign_in' and outcome = 'denied' and actor_id = ${member.id}`;
    expect(denied[0]?.n).toBe(1);
  });

  it("throttles an address spraying many accounts", async () => {
    for (let index = 0; index < 6; index += 1) {
      await signIn(database.app.db, { email: `spray-${index}@countersign.test`, password: "guess" }, from("10.4.0.1"), policy);
    }
    const member = await createStaffMember(database.app.db, "auditor");
    const fromSprayer = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.4.0.1"), policy);
    const fromElsewhere = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.4.0.2"), policy);
    expect(fromSprayer).toEqual({ ok: false, reason: "throttled" });
    expect(fromElsewhere.ok).toBe(true);
  });

  it("a disabled account cannot sign in, and its open session ends on the next request", async () => {
    const member = await createStaffMember(database.app.db, "compliance");
    const result = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.5.0.1"), policy);
    if (!result.ok) throw new Error("sign-in failed");
    expect(await resolveSession(database.app.db, result.sessionId, sessionPolicy)).toMatchObject({ staffId: member.id, role: "compliance" });
    await database.app.db.update(staff).set({ status: "disabled" }).where(eq(staff.id, member.id));
    expect(await resolveSession(database.app.db, result.sessionId, sessionPolicy)).toBeNull();
    const [row] = await database.app.db.select().from(staffSessions).where(eq(staffSessions.id, result.sessionId));
    expect(row?.revokedReason).toBe("staff_disabled");
    expect(await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.5.0.1"), policy)).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });

  it("sign-out revokes the session on the server and is audited once", async () => {
    const member = await createStaffMember(database.app.db, "support");
    const result = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.6.0.1"), policy);
    if (!result.ok) throw new Error("sign-in failed");
    await signOut(database.app.db, { sessionId: result.sessionId, staffId: member.id }, from("10.6.0.1"));
    await signOut(database.app.db, { sessionId: result.sessionId, staffId: member.id }, from("10.6.0.1"));
    expect(await resolveSession(database.app.db, result.sessionId, sessionPolicy)).toBeNull();
    const audit = await database.owner`select count(*)::int as n from audit_events where action = 'auth.sign_out' and actor_id = ${member.id}`;
    expect(audit[0]?.n).toBe(1);
  });

  it("sessions end after the idle timeout and after the absolute lifetime", async () => {
    const member = await createStaffMember(database.app.db, "finance");
    const idle = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.7.0.1"), policy);
    const old = await signIn(database.app.db, { email: member.email, password: testPassword }, from("10.7.0.1"), policy);
    if (!idle.ok || !old.ok) throw new Error("sign-in failed");
    const now = new Date();
    await database.app.db.update(staffSessions).set({ lastSeenAt: new Date(now.getTime() - 31 * 60_000) }).where(eq(staffSessions.id, idle.sessionId));
    await database.app.db
      .update(staffSessions)
      .set({ createdAt: new Date(now.getTime() - 12 * 3_600_000 - 1000), lastSeenAt: now })
      .where(eq(staffSessions.id, old.sessionId));
    expect(await resolveSession(database.app.db, idle.sessionId, sessionPolicy, now)).toBeNull();
    expect(await resolveSession(database.app.db, old.sessionId, sessionPolicy, now)).toBeNull();
    const reasons = await database.app.db.select({ id: staffSessions.id, reason: staffSessions.revokedReason }).from(staffSessions).where(eq(staffSessions.staffId, member.id));
    expect(Object.fromEntries(reasons.map((row) => [row.id, row.reason]))).toEqual({ [idle.sessionId]: "idle_timeout", [old.sessionId]: "absolute_timeout" });
  });
});
