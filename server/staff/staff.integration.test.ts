import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { resolveSession } from "../auth/sessions";

const valid = {
  email: "New.Member@Countersign.test",
  displayName: "New Member",
  role: "support" as const,
  initialPassword: "a long enough password",
};

async function counts(database: TestDatabase) {
  const [row] = await database.owner`select (select count(*) from staff)::int as staff, (select count(*) from audit_events)::int as audit`;
  return row;
}

describe("staff management", () => {
  let database: TestDatabase;
  let admin: Awaited<ReturnType<typeof signedInCaller>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await signedInCaller(database.app.db, "admin");
  });
  afterAll(() => database.drop());

  it("creates a member, normalises the email, and audits it without personal data", async () => {
    const member = await admin.caller.staff.create({ ...valid, idempotencyKey: "create-member-1" });
    expect(member).toMatchObject({ email: "new.member@countersign.test", role: "support", status: "active" });
    const [audit] = await database.owner`select actor_id, target_id, details::jsonb as details from audit_events where action = 'staff.create' order by seq desc limit 1`;
    expect(audit).toMatchObject({ actor_id: admin.member.id, target_id: member.id, details: { role: "support" } });
    expect(JSON.stringify(audit?.details)).not.toMatch(/new\.member|password/i);
  });

  it("the same idempotency key replays the original result (even ten at once) and writes nothing new", async () => {
    const input = { ...valid, email: "twice@countersign.test", idempotencyKey: "create-twice-key" };
    const before = await counts(database);
    const results = await Promise.all(Array.from({ length: 10 }, () => admin.caller.staff.create(input)));
    expect(new Set(results.map((member) => member.id)).size).toBe(1);
    const after = await counts(database);
    expect(after?.staff).toBe((before?.staff ?? 0) + 1);
    expect(after?.audit).toBe((before?.audit ?? 0) + 1);
  });

  it("the same key with a different payload is IDEMPOTENCY_CONFLICT (422) and writes nothing", async () => {
    await admin.caller.staff.create({ ...valid, email: "first@countersign.test", idempotencyKey: "reused-key-1" });
    const before = await counts(database);
    const error = await admin.caller.staff.create({ ...valid, email: "second@countersign.test", idempotencyKey: "reused-key-1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
    const after = await counts(database);
    expect(after?.staff).toBe(before?.staff);
  });

  it.each([
    ["email", { email: "not-an-email" }],
    ["displayName", { displayName: "" }],
    ["role", { role: "superuser" }],
    ["initialPassword", { initialPassword: "short" }],
    ["idempotencyKey", { idempotencyKey: "bad key!" }],
  ])("bad %s is a 400 naming the field, and nothing is written", async (field, patch) => {
    const before = await counts(database);
    const error = await admin.caller.staff.create({ ...valid, idempotencyKey: `bad-input-${field}`, ...patch } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as Error).message).toContain(field);
    expect(await counts(database)).toEqual(before);
  });

  it("unknown fields are rejected, not ignored", async () => {
    const error = await admin.caller.staff.create({ ...valid, idempotencyKey: "unknown-field-1", isSuperuser: true } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a duplicate email is a conflict naming the email field, audited as failed", async () => {
    const error = await admin.caller.staff.create({ ...valid, idempotencyKey: "duplicate-email-1" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already exists/) });
    const [audit] = await database.owner`select outcome, details::jsonb->>'error' as error from audit_events where action = 'staff.create' order by seq desc limit 1`;
    expect(audit).toMatchObject({ outcome: "failed", error: "EMAIL_TAKEN" });
  });

  it("changes a role and records from/to", async () => {
    const member = await admin.caller.staff.create({ ...valid, email: "promote@countersign.test", idempotencyKey: "promote-1" });
    const changed = await admin.caller.staff.changeRole({ staffId: member.id, role: "finance" });
    expect(changed.role).toBe("finance");
    const [audit] = await database.owner`select details::jsonb as details from audit_events where action = 'staff.change_role' order by seq desc limit 1`;
    expect(audit?.details).toMatchObject({ from: "support", to: "finance", changed: true });
  });

  it("an admin cannot change their own role or disable themselves; the refusal is audited as denied", async () => {
    await expect(admin.caller.staff.changeRole({ staffId: admin.member.id, role: "support" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.caller.staff.disable({ staffId: admin.member.id, reason: "testing self" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const denied = await database.owner`select count(*)::int as n from audit_events where actor_id = ${admin.member.id} and outcome = 'denied'`;
    expect(denied[0]?.n).toBe(2);
  });

  it("two admins demoting each other at once: one succeeds, the other is refused as the last admin", async () => {
    const fresh = await createTestDatabase();
    try {
      const first = await signedInCaller(fresh.app.db, "admin");
      const second = await signedInCaller(fresh.app.db, "admin");
      const outcomes = await Promise.allSettled([
        first.caller.staff.changeRole({ staffId: second.member.id, role: "auditor" }),
        second.caller.staff.changeRole({ staffId: first.member.id, role: "auditor" }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.find((outcome) => outcome.status === "rejected");
      expect(refused?.status === "rejected" && refused.reason).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/last active administrator/) });
      const [admins] = await fresh.owner`select count(*)::int as n from staff where role = 'admin' and status = 'active'`;
      expect(admins?.n).toBe(1);
    } finally {
      await fresh.drop();
    }
  });

  it("disabling a member revokes every session at once", async () => {
    const target = await signedInCaller(database.app.db, "support");
    const updated = await admin.caller.staff.disable({ staffId: target.member.id, reason: "left the company" });
    expect(updated.status).toBe("disabled");
    expect(await resolveSession(database.app.db, target.session.sessionId, { idleMinutes: 30, maxHours: 12 })).toBeNull();
    const [audit] = await database.owner`select details::jsonb as details from audit_events where action = 'staff.disable' order by seq desc limit 1`;
    expect(audit?.details).toMatchObject({ reason: "left the company", changed: true, sessionsRevoked: 1 });
  });

  it("support may not manage staff, and the denial is audited", async () => {
    const support = await signedInCaller(database.app.db, "support");
    await expect(support.caller.staff.list({ limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("staff.manage") });
  });
});
