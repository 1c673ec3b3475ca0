import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { signedInCaller } from "@/test/support/callers";
import { appendAuditEvent } from "./append-audit-event";
import { getAuditEvent, listAuditEvents } from "./queries";
import { verifyChain } from "./verify-chain";

const request = { correlationId: "test-correlation", ip: "127.0.0.1", userAgent: "vitest" };

describe("audit chain under concurrency", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 30 });
  });
  afterAll(() => database.drop());

  it("50 concurrent audited mutations keep one linear chain: no fork, no gap, no duplicate", async () => {
    const { caller } = await signedInCaller(database.app.db, "admin");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        caller.staff.create({
          idempotencyKey: `concurrent-${index}-key`,
          email: `concurrent-${index}@countersign.test`,
          displayName: `Concurrent ${index}`,
          role: "support",
          initialPassword: "a long enough password",
        }),
      ),
    );
    expect(new Set(results.map((member) => member.id)).size).toBe(50);
    const rows = await database.owner`select seq::int as seq, prev_hash, hash from audit_events order by seq`;
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: rows.length }, (_, index) => index + 1));
    expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(rows.length);
    const creations = await database.owner`select count(*)::int as n from audit_events where action = 'staff.create' and outcome = 'success'`;
    expect(creations[0]?.n).toBe(50);
    const verification = await verifyChain(database.app.sql);
    expect(verification).toMatchObject({ ok: true, checked: rows.length });
  });

  it("the database refuses a row that does not extend the head (fork or gap)", async () => {
    const [head] = await database.owner`select seq::int as seq, hash from audit_events order by seq desc limit 1`;
    const base = { occurred_at: new Date().toISOString(), actor_type: "service", actor_id: "x", action: "x.y", outcome: "success", details: "{}" };
    const fork = { ...base, seq: (head?.seq ?? 0) + 1, prev_hash: "a".repeat(64), hash: "b".repeat(64) };
    await expect(database.app.sql`insert into audit_events ${database.app.sql(fork)}`).rejects.toThrow(/does not link/);
    const gap = { ...base, seq: (head?.seq ?? 0) + 5, prev_hash: head?.hash, hash: "b".repeat(64) };
    await expect(database.app.sql`insert into audit_events ${database.app.sql(gap)}`).rejects.toThrow(/no predecessor/);
  });
});

describe("audit table is append-only", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.app.db.transaction((tx) => appendAuditEvent(tx, { actor: { type: "service", id: "test" }, action: "test.write", outcome: "success", request }));
  });
  afterAll(() => database.drop());

  it("the application role has no UPDATE, DELETE or TRUNCATE privilege", async () => {
    await expect(database.app.sql`update audit_events set action = 'x'`).rejects.toThrow(/permission denied/);
    await expect(database.app.sql`delete from audit_events`).rejects.toThrow(/permission denied/);
    await expect(database.app.sql`truncate audit_events`).rejects.toThrow(/permission denied/);
  });

  it("triggers refuse UPDATE, DELETE and TRUNCATE even for the owner", async () => {
    await expect(database.owner`update audit_events set action = 'x'`).rejects.toThrow(/append-only/);
    await expect(database.owner`delete from audit_events`).rejects.toThrow(/append-only/);
    await expect(database.owner`truncate audit_events`).rejects.toThrow(/append-only/);
  });

  it("triggers still fire under session_replication_role = replica", async () => {
    await expect(
      database.owner.begin(async (sql) => {
        await sql`set local session_replication_role = replica`;
        await sql`delete from audit_events`;
      }),
    ).rejects.toThrow(/append-only/);
    const [count] = await database.owner`select count(*)::int as n from audit_events`;
    expect(count?.n).toBe(1);
  });
});

describe("audit details stored as canonical JSON text", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("is stored canonical, read back as the object by the audit queries, and filterable as jsonb", async () => {
    const details = { zeta: "last", alpha: { list: [3, 1.5, null, "Zoë"], nested: true }, amount: "12.50" };
    const { seq } = await database.app.db.transaction((tx) =>
      appendAuditEvent(tx, { actor: { type: "service", id: "test" }, action: "test.details", outcome: "success", details, request }),
    );
    const [stored] = await database.owner`select details, details::jsonb->'alpha'->>'nested' as nested from audit_events where seq = ${seq}`;
    expect(stored?.details).toBe('{"alpha":{"list":[3,1.5,null,"Zoë"],"nested":true},"amount":"12.50","zeta":"last"}');
    expect(stored?.nested).toBe("true");
    expect((await getAuditEvent(database.app.db, seq))?.details).toEqual(details);
    const page = await listAuditEvents(database.app.db, { action: "test.details", limit: 10 });
    expect(page.items.map((item) => item.details)).toEqual([details]);
    expect(await verifyChain(database.app.sql)).toMatchObject({ ok: true, checked: 1 });
  });
});
