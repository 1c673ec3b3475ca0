import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { migrationsFolder } from "@/db/migrate";
import { canonicalJson, chainHash, genesisHash, type HashedAuditRecord } from "./chain";
import { verifyChain, type StoredAuditRow } from "./verify-chain";
import { verifyChainInParallel } from "./verify-chain-parallel";

/** Builds a valid chain the way appendAuditEvent does: each record hashed over its predecessor. */
function buildChain(count: number, record: (seq: number) => Omit<HashedAuditRecord, "seq">): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prevHash = genesisHash;
  for (let seq = 1; seq <= count; seq += 1) {
    const hashed: HashedAuditRecord = { seq, ...record(seq) };
    const hash = chainHash(prevHash, hashed);
    rows.push({ ...hashed, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

function plainRecord(seq: number): Omit<HashedAuditRecord, "seq"> {
  return {
    occurredAt: new Date(Date.UTC(2025, 0, 1) + seq * 137).toISOString(),
    actorType: "staff",
    actorId: `staff-${seq % 7}`,
    action: "adjustment.approve",
    targetType: "adjustment",
    targetId: `adjustment-${seq}`,
    outcome: "success",
    correlationId: `corr-${seq}`,
    ip: "10.0.0.1",
    userAgent: "vitest",
    details: { amount: `${seq}.00`, currency: "EUR", index: seq },
  };
}

/** Fails instead of hanging, so a stuck connection shows up as a failed test. */
function within<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish in ${timeoutMs} ms`)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("verifyChain over binary COPY", () => {
  let database: TestDatabase;
  let tables = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /**
   * A copy of the audit_events layout without its constraints, as an investigator would make.
   * details as appendAuditEvent stores it (canonical JSON), or as jsonb prints it, which is what
   * rows written before migration 0012 hold.
   */
  async function tableWith(rows: StoredAuditRow[], details: "canonical" | "jsonb" = "canonical"): Promise<string> {
    tables += 1;
    const table = `verify_copy_${tables}`;
    await database.owner.unsafe(`create table ${table} as select * from audit_events with no data`);
    for (let start = 0; start < rows.length; start += 10_000) {
      const batch = rows.slice(start, start + 10_000).map((row) => ({
        seq: row.seq,
        occurred_at: row.occurredAt,
        actor_type: row.actorType,
        actor_id: row.actorId,
        action: row.action,
        target_type: row.targetType,
        target_id: row.targetId,
        outcome: row.outcome,
        correlation_id: row.correlationId,
        ip: row.ip,
        user_agent: row.userAgent,
        // jsonb_populate_recordset stores an object in a text column as jsonb's text of it.
        details: details === "canonical" ? canonicalJson(row.details) : row.details,
        prev_hash: row.prevHash,
        hash: row.hash,
      }));
      await database.owner.unsafe(`insert into ${table} select * from jsonb_populate_recordset(null::${table}, $1::text::jsonb)`, [JSON.stringify(batch)]);
    }
    return table;
  }

  async function copyOf(table: string): Promise<string> {
    tables += 1;
    const copy = `verify_copy_${tables}`;
    await database.owner.unsafe(`create table ${copy} as select * from ${table}`);
    return copy;
  }

  describe("a chain longer than one COPY chunk (50,000 rows)", () => {
    const rows = buildChain(120_000, plainRecord);
    let table = "";
    beforeAll(async () => {
      table = await tableWith(rows);
    });

    it("verifies every row across the chunk boundaries", async () => {
      const result = await verifyChain(database.owner, { table: table });
      expect(result).toMatchObject({ ok: true, checked: 120_000, headSeq: 120_000, headHash: rows[119_999]?.hash, firstBreak: null });
    });

    it("finds a changed row just past a chunk boundary at its seq", async () => {
      const copy = await copyOf(table);
      await database.owner.unsafe(`update ${copy} set details = '{"amount": "50001.01"}' where seq = 50001`);
      const result = await verifyChain(database.owner, { table: copy });
      expect(result).toMatchObject({ ok: false, checked: 50_000, firstBreak: { seq: 50_001, reason: "hash_mismatch" } });
    });

    it("finds a row deleted at a chunk boundary as a gap", async () => {
      const copy = await copyOf(table);
      await database.owner.unsafe(`delete from ${copy} where seq = 100001`);
      const result = await verifyChain(database.owner, { table: copy });
      expect(result).toMatchObject({ ok: false, checked: 100_000, firstBreak: { seq: 100_001, reason: "gap" } });
    });

    /** Both verifiers on one table: the report must be identical, only the time may differ. */
    async function expectParallelAgrees(table: string, threads: number) {
      const single = await verifyChain(database.owner, { table });
      const parallel = await verifyChainInParallel(database.owner, { table, url: database.ownerUrl, threads });
      expect({ ...parallel, elapsedMs: 0 }).toEqual({ ...single, elapsedMs: 0 });
      return parallel;
    }

    it("in parallel ranges (worker threads, own connections) reports exactly what one walk reports", async () => {
      expect(await expectParallelAgrees(table, 2)).toMatchObject({ ok: true, checked: 120_000 });
      expect(await expectParallelAgrees(table, 3)).toMatchObject({ ok: true, checked: 120_000 });
      // With 2 threads the ranges are 8 spans of 15,000 seqs: rows 30,001, 60,001 and 90,001 are seam rows.
      const cases: [string, object][] = [
        [`update %s set details = '{"amount": "1.00"}' where seq = 90001`, { checked: 90_000, firstBreak: { seq: 90_001, reason: "hash_mismatch" } }],
        [`update %s set details = '{"amount": "1.00"}' where seq = 60001`, { checked: 60_000, firstBreak: { seq: 60_001, reason: "hash_mismatch" } }],
        [`update %s set prev_hash = repeat('0', 64) where seq = 60001`, { checked: 60_000, firstBreak: { seq: 60_001, reason: "broken_link" } }],
        [`delete from %s where seq = 60001`, { checked: 60_000, firstBreak: { seq: 60_001, reason: "gap" } }],
        [`delete from %s where seq = 60000`, { checked: 59_999, firstBreak: { seq: 60_000, reason: "gap" } }],
        [`update %s set ip = '10.6.6.6' where seq in (30000, 90000)`, { checked: 29_999, firstBreak: { seq: 30_000, reason: "hash_mismatch" } }],
      ];
      for (const [change, expected] of cases) {
        const copy = await copyOf(table);
        await database.owner.unsafe(change.replace("%s", copy));
        expect(await expectParallelAgrees(copy, 2)).toMatchObject({ ok: false, ...expected });
      }
    }, 300_000);

    it("fails with the range worker's error rather than reporting a chain it did not read", async () => {
      // The worker threads connect as the application role, which may not read the investigator's
      // copy, so every range they take fails. This thread's one connection is kept busy for a few
      // seconds after the split, so that a worker has started and taken a range before this thread
      // could walk them all.
      const here = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
      try {
        const walking = verifyChainInParallel(here, { table, url: database.appUrl, threads: 2 });
        const busy = here`select pg_sleep(5)`.execute();
        await expect(within(walking, "the parallel verification", 60_000)).rejects.toThrow(/range worker: permission denied/);
        await busy;
        // Nothing was left running on this thread's connection: it answers the next verification.
        expect(await within(verifyChain(here, { table }), "the next verification", 60_000)).toMatchObject({ ok: true, checked: 120_000 });
      } finally {
        await here.end();
      }
    }, 120_000);
  });

  it("rebuilds text, JSON and times byte for byte, whatever the session's settings", async () => {
    const awkward = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", 'quote " and \\"', "é 日本 😀", "\u007f\u2028", "x".repeat(100_000)];
    const times = ["0001-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1999-12-31T23:59:59.999Z", "2000-01-01T00:00:00.000Z", "2025-06-30T12:00:00.001Z", "9999-12-31T23:59:59.999Z"];
    const rows = buildChain(awkward.length * times.length, (seq) => {
      const text = awkward[seq % awkward.length] as string;
      return {
        ...plainRecord(seq),
        occurredAt: times[seq % times.length] as string,
        actorId: text,
        targetType: seq % 2 === 0 ? null : text,
        targetId: null,
        userAgent: text.slice(0, 300),
        details: { text, nested: { list: [1, -0, 2.5, 1e21, 5e-324, true, null, text], "10": 1, "9": 2, é: "accent" } },
      };
    });
    const table = await tableWith(rows);
    const jsonbSpelled = await tableWith(rows, "jsonb");
    const odd = postgres(database.ownerUrl, {
      max: 1,
      onnotice: () => undefined,
      connection: { TimeZone: "Pacific/Chatham", DateStyle: "SQL, DMY", extra_float_digits: "-5", IntervalStyle: "sql_standard" },
    });
    try {
      for (const each of [table, jsonbSpelled]) {
        const result = await verifyChain(odd, { table: each });
        expect(result).toMatchObject({ ok: true, checked: rows.length, headHash: rows[rows.length - 1]?.hash });
      }
    } finally {
      await odd.end({ timeout: 2 });
    }
  });

  it("migration 0012 turns jsonb details into text that verifies as before, awkward values included", async () => {
    const rows = buildChain(30, (seq) => ({
      ...plainRecord(seq),
      details: { note: `Zürich "${seq}" \\ 😀\u2028`, amount: seq % 2 === 0 ? 1.5 : 10, big: 1e21, list: [2.5, -0, null, true], "10": 1, "9": 2, é: "accent" },
    }));
    tables += 1;
    const table = `verify_copy_${tables}`;
    // The layout before the migration, details as jsonb, written as the writer always wrote it.
    await database.owner.unsafe(`create table ${table} (like audit_events)`);
    await database.owner.unsafe(`alter table ${table} alter column details type jsonb using details::jsonb`);
    await database.owner.unsafe(`insert into ${table} select * from jsonb_populate_recordset(null::${table}, $1::text::jsonb)`, [
      JSON.stringify(rows.map((row) => ({ seq: row.seq, occurred_at: row.occurredAt, actor_type: row.actorType, actor_id: row.actorId, action: row.action, target_type: row.targetType, target_id: row.targetId, outcome: row.outcome, correlation_id: row.correlationId, ip: row.ip, user_agent: row.userAgent, details: row.details, prev_hash: row.prevHash, hash: row.hash }))),
    ]);
    const migration = readFileSync(path.join(migrationsFolder, "0012_audit_details_canonical_text.sql"), "utf8");
    for (const statement of migration.split("--> statement-breakpoint")) await database.owner.unsafe(statement.replaceAll('"audit_events"', `"${table}"`).replace("audit_events_details_object", `${table}_details_object`));
    const [type] = await database.owner.unsafe(`select data_type from information_schema.columns where table_name = '${table}' and column_name = 'details'`);
    expect(type?.data_type).toBe("text");
    expect(await verifyChain(database.owner, { table })).toMatchObject({ ok: true, checked: rows.length, headHash: rows[rows.length - 1]?.hash });
  });

  it("reports a NULL where the application never writes one as a hash mismatch, not an exception", async () => {
    const table = await tableWith(buildChain(10, plainRecord));
    const noDetails = await copyOf(table);
    await database.owner.unsafe(`update ${noDetails} set details = null where seq = 3`);
    expect((await verifyChain(database.owner, { table: noDetails })).firstBreak).toMatchObject({ seq: 3, reason: "hash_mismatch" });
    const noTime = await copyOf(table);
    await database.owner.unsafe(`update ${noTime} set occurred_at = null where seq = 4`);
    expect((await verifyChain(database.owner, { table: noTime })).firstBreak).toMatchObject({ seq: 4, reason: "hash_mismatch" });
  });

  it("leaves a one-connection pool usable after every COPY, including one stopped at an early break", async () => {
    // 100 rows are about 30 KB: enough for postgres.js to pause its socket while the COPY ends.
    const table = await tableWith(buildChain(100, plainRecord));
    const broken = await copyOf(table);
    await database.owner.unsafe(`update ${broken} set action = 'forged' where seq = 2`);
    const single = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
    try {
      for (let round = 0; round < 5; round += 1) {
        expect(await within(verifyChain(single, { table: table }), `verification ${round}`)).toMatchObject({ ok: true, checked: 100 });
        expect(await within(single`select ${round}::int as round`, `the query after verification ${round}`)).toEqual([{ round }]);
      }
      expect((await within(verifyChain(single, { table: broken }), "the early-stopping verification")).firstBreak).toMatchObject({ seq: 2 });
      expect(await within(single`select 1 as one`, "the query after the early stop")).toEqual([{ one: 1 }]);
    } finally {
      await single.end({ timeout: 2 });
    }
  });
});
