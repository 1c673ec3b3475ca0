import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { appendAuditEvent } from "./append-audit-event";
import { canonicalJson, chainHash, genesisHash, type HashedAuditRecord } from "./chain";
import { signCheckpoint } from "./checkpoints/checkpoint-message";
import { generateSigningKeyText, parseSigningKey, trustedKeys } from "./checkpoints/signing-key";
import { verifyWithCheckpoints } from "./checkpoints/verify-with-checkpoints";
import { verifyChain } from "./verify-chain";

const run = promisify(execFile);
const recordCount = 20;

/**
 * Each case tampers with its own copy of an honest chain (the live table refuses every change) and
 * shows what the chain ALONE detects. Deleting the tail and rewriting from row k are invisible to
 * the chain by itself; signed checkpoints catch both (checkpoints/checkpoints.integration.test.ts
 * repeats those two tamperings and shows them caught, through the API and `audit:verify
 * --checkpoint FILE`). A forged row appended after the head stays undetectable by either: it is a
 * well-formed record, and the next checkpoint would sign it like any other.
 */
describe("audit:verify against a tampered copy", () => {
  let database: TestDatabase;
  let copies = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let index = 0; index < recordCount; index += 1) {
      await database.app.db.transaction((tx) =>
        appendAuditEvent(tx, {
          actor: { type: "staff", id: `staff-${index % 3}` },
          action: "staff.change_role",
          outcome: "success",
          target: { type: "staff", id: `target-${index}` },
          details: { from: "support", to: "finance", index },
          request: { correlationId: `corr-${index}-abcdef`, ip: "10.0.0.1", userAgent: "vitest" },
        }),
      );
    }
  });
  afterAll(() => database.drop());

  async function copy(): Promise<string> {
    copies += 1;
    const table = `audit_copy_${copies}`;
    await database.owner.unsafe(`create table ${table} as select * from audit_events`);
    return table;
  }

  const verify = (table: string) => verifyChain(database.owner, { table: table });

  /** The same copy checked against a signed checkpoint of the honest head, as an auditor keeps one. */
  const checkpointKey = parseSigningKey(generateSigningKeyText());
  async function verifyAgainstCheckpoint(table: string) {
    const [head] = await database.owner`select hash from audit_events where seq = ${recordCount}`;
    const checkpoint = signCheckpoint(checkpointKey, { seq: recordCount, hash: head?.hash }, new Date());
    return verifyWithCheckpoints(database.owner, { keys: trustedKeys([checkpointKey]), entries: [{ source: "kept outside", value: checkpoint }], table });
  }

  it("an untouched copy verifies", async () => {
    const result = await verify(await copy());
    expect(result).toMatchObject({ ok: true, checked: recordCount, headSeq: recordCount, firstBreak: null });
  });

  it("changing one byte of details is a hash mismatch at that row", async () => {
    const table = await copy();
    await database.owner.unsafe(`update ${table} set details = replace(details, '"finance"', '"financf"') where seq = 7`);
    expect((await verify(table)).firstBreak).toMatchObject({ seq: 7, reason: "hash_mismatch" });
    const respelled = await copy();
    await database.owner.unsafe(`update ${respelled} set details = jsonb_set(details::jsonb, '{to}', '"financf"')::text where seq = 7`);
    expect((await verify(respelled)).firstBreak).toMatchObject({ seq: 7, reason: "hash_mismatch" });
  });

  it("details are stored as the canonical JSON that the hash covers", async () => {
    const rows = await database.owner`select details from audit_events order by seq`;
    expect(rows.every((row) => row.details === canonicalJson(JSON.parse(row.details)))).toBe(true);
    expect(rows[3]?.details).toBe('{"from":"support","index":3,"to":"finance"}');
  });

  it("details spelled differently with the same value verify: the hash covers the value, which every reader of the text sees", async () => {
    const table = await copy();
    // jsonb's spelling (spaces, its own key order), as rows written before migration 0012 hold.
    await database.owner.unsafe(`update ${table} set details = details::jsonb::text where seq = 4`);
    const [row] = await database.owner.unsafe(`select details from ${table} where seq = 4`);
    expect(row?.details).toBe('{"to": "finance", "from": "support", "index": 3}');
    expect(await verify(table)).toMatchObject({ ok: true, checked: recordCount });
  });

  it("a number respelled beyond what a double holds is a hash mismatch: jsonb would show a value the hash never covered", async () => {
    // Row 4's details are {"from":"support","index":3,"to":"finance"}; JSON.parse reads both
    // spellings below as 3, while jsonb (the audit page) keeps every digit.
    for (const spelling of ['{"from":"support","index":3.0000000000000001,"to":"finance"}', '{"to": "finance", "from": "support", "index": 3.0000000000000001}']) {
      const table = await copy();
      await database.owner.unsafe(`update ${table} set details = $1 where seq = 4`, [spelling]);
      const [seen] = await database.owner.unsafe(`select details::jsonb->>'index' as index from ${table} where seq = 4`);
      expect(seen?.index).toBe("3.0000000000000001");
      expect((await verify(table)).firstBreak).toMatchObject({ seq: 4, reason: "hash_mismatch" });
    }
    // The same value spelled otherwise is still the value the hash covers.
    for (const spelling of ['{"from":"support","index":3.0,"to":"finance"}', '{"to": "finance", "from": "support", "index": 3e0}']) {
      const table = await copy();
      await database.owner.unsafe(`update ${table} set details = $1 where seq = 4`, [spelling]);
      expect(await verify(table)).toMatchObject({ ok: true, checked: recordCount });
    }
  });

  it("a duplicate key in details is read as JSON.parse and jsonb both read it, the last value: a hash mismatch when that changes it", async () => {
    const table = await copy();
    await database.owner.unsafe(`update ${table} set details = '{"from":"support","index":8,"to":"finance","to":"admin"}' where seq = 9`);
    const [seen] = await database.owner.unsafe(`select details::jsonb->>'to' as "to" from ${table} where seq = 9`);
    expect(seen?.to).toBe("admin");
    expect((await verify(table)).firstBreak).toMatchObject({ seq: 9, reason: "hash_mismatch" });
  });

  it("details that are not JSON, or hold a number JSON.parse cannot represent, are a hash mismatch, not an exception", async () => {
    // The second is the honest value followed by a stray byte: a parser that stopped after the
    // number would rebuild the honest bytes, and the row would verify.
    for (const text of ['{"from":"support","index":4,"to":"finance"', '{"from":"support","index":4x,"to":"finance"}', "not json", '{"from":"support","index":1e400,"to":"finance"}']) {
      const table = await copy();
      await database.owner.unsafe(`update ${table} set details = $1 where seq = 5`, [text]);
      expect((await verify(table)).firstBreak).toMatchObject({ seq: 5, reason: "hash_mismatch" });
    }
  });

  it("the live table refuses details that are not a JSON object", async () => {
    for (const text of ["not json", "[1]", '"text"']) {
      await expect(
        database.owner.begin(async (sql) => {
          await sql`alter table audit_events disable trigger audit_events_check_link`;
          await sql`insert into audit_events (seq, occurred_at, actor_type, actor_id, action, outcome, details, prev_hash, hash) values (${recordCount + 1}, now(), 'service', 'x', 'x.y', 'success', ${text}, ${"a".repeat(64)}, ${"b".repeat(64)})`;
        }),
      ).rejects.toThrow(/audit_events_details_object|invalid input syntax for type json/);
    }
  });

  it("changing a time by one millisecond is a hash mismatch at that row", async () => {
    const table = await copy();
    await database.owner.unsafe(`update ${table} set occurred_at = occurred_at + interval '1 millisecond' where seq = 11`);
    expect((await verify(table)).firstBreak).toMatchObject({ seq: 11, reason: "hash_mismatch" });
  });

  it("deleting a middle row is a gap at the missing sequence number", async () => {
    const table = await copy();
    await database.owner.unsafe(`delete from ${table} where seq = 9`);
    expect((await verify(table)).firstBreak).toMatchObject({ seq: 9, reason: "gap" });
  });

  it("swapping two rows' positions breaks the chain at the first of them", async () => {
    const table = await copy();
    await database.owner.unsafe(`update ${table} set seq = case seq when 5 then 6 when 6 then 5 end where seq in (5, 6)`);
    const failure = (await verify(table)).firstBreak;
    expect(failure?.seq).toBe(5);
    expect(["broken_link", "hash_mismatch"]).toContain(failure?.reason);
  });

  it("a forged row inserted in the middle (later rows renumbered) is caught where it was inserted", async () => {
    const table = await copy();
    await database.owner.unsafe(`update ${table} set seq = seq + 1000 where seq >= 8`);
    await database.owner.unsafe(`update ${table} set seq = seq - 999 where seq >= 1008`);
    const [previous] = await database.owner.unsafe(`select hash from ${table} where seq = 7`);
    const forged: HashedAuditRecord = {
      seq: 8,
      occurredAt: new Date().toISOString(),
      actorType: "staff",
      actorId: "forger",
      action: "staff.create",
      targetType: null,
      targetId: null,
      outcome: "success",
      correlationId: null,
      ip: null,
      userAgent: null,
      details: {},
    };
    const hash = chainHash(previous?.hash, forged);
    await database.owner.unsafe(
      `insert into ${table} (seq, occurred_at, actor_type, actor_id, action, outcome, details, prev_hash, hash) values (8, $1, 'staff', 'forger', 'staff.create', 'success', '{}', $2, $3)`,
      [forged.occurredAt, previous?.hash, hash],
    );
    // The forged row itself links and hashes correctly; the honest row after it no longer links.
    expect((await verify(table)).firstBreak).toMatchObject({ seq: 9, reason: "broken_link" });
  });

  it("deleting the tail is NOT detectable from the chain alone; a signed checkpoint catches it", async () => {
    const table = await copy();
    await database.owner.unsafe(`delete from ${table} where seq > 15`);
    const result = await verify(table);
    expect(result).toMatchObject({ ok: true, headSeq: 15 });
    expect((await verifyAgainstCheckpoint(table)).firstBreak).toMatchObject({ seq: 16, reason: "checkpoint_beyond_head" });
  });

  it("a forged row appended with a correct hash is NOT detectable from the chain alone, nor by checkpoints", async () => {
    const table = await copy();
    const [head] = await database.owner.unsafe(`select hash from ${table} where seq = ${recordCount}`);
    const forged: HashedAuditRecord = {
      seq: recordCount + 1,
      occurredAt: new Date().toISOString(),
      actorType: "service",
      actorId: "forger",
      action: "staff.disable",
      targetType: null,
      targetId: null,
      outcome: "success",
      correlationId: null,
      ip: null,
      userAgent: null,
      details: {},
    };
    await database.owner.unsafe(
      `insert into ${table} (seq, occurred_at, actor_type, actor_id, action, outcome, details, prev_hash, hash) values ($1, $2, 'service', 'forger', 'staff.disable', 'success', '{}', $3, $4)`,
      [forged.seq, forged.occurredAt, head?.hash, chainHash(head?.hash, forged)],
    );
    expect(await verify(table)).toMatchObject({ ok: true, headSeq: recordCount + 1 });
  });

  it("recomputing the chain from row k onwards is NOT detectable from the chain alone; a signed checkpoint catches it", async () => {
    const table = await copy();
    const rows = await database.owner.unsafe(`select * from ${table} where seq >= 12 order by seq`);
    const [before] = await database.owner.unsafe(`select hash from ${table} where seq = 11`);
    let previous: string = before?.hash ?? genesisHash;
    for (const row of rows) {
      const record: HashedAuditRecord = {
        seq: Number(row.seq),
        occurredAt: new Date(row.occurred_at).toISOString(),
        actorType: row.actor_type,
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        outcome: row.outcome,
        correlationId: row.correlation_id,
        ip: row.ip,
        userAgent: row.user_agent,
        details: { ...JSON.parse(row.details), to: "admin" },
      };
      const hash = chainHash(previous, record);
      await database.owner.unsafe(`update ${table} set details = $1, prev_hash = $2, hash = $3 where seq = $4`, [
        canonicalJson(record.details),
        previous,
        hash,
        record.seq,
      ]);
      previous = hash;
    }
    const result = await verify(table);
    expect(result.firstBreak).toBeNull();
    expect(result).toMatchObject({ ok: true, headSeq: recordCount });
    expect((await verifyAgainstCheckpoint(table)).firstBreak).toMatchObject({ seq: recordCount, reason: "checkpoint_mismatch" });
  });

  it("the npm run audit:verify command exits 0 on an intact chain and names the first broken seq otherwise", async () => {
    const env = { ...process.env, APP_DATABASE_URL: database.ownerUrl };
    const intact = await run("node_modules/.bin/tsx", ["scripts/audit-verify.mts"], { env });
    expect(intact.stdout).toMatch(/audit chain intact: 20 records/);

    const table = await copy();
    await database.owner.unsafe(`update ${table} set details = '{"tampered": true}' where seq = 13`);
    const broken = await run("node_modules/.bin/tsx", ["scripts/audit-verify.mts", "--table", table], { env }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(broken?.code).toBe(1);
    expect(broken?.stdout).toMatch(/BROKEN at seq 13: hash_mismatch/);
  });
});
