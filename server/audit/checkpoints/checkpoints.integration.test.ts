import { execFile } from "node:child_process";
import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { appendAuditEvent } from "../append-audit-event";
import { canonicalJson, chainHash, type HashedAuditRecord } from "../chain";
import { checkpointLockKey, recordCheckpoint } from "../record-checkpoint";
import { verifyChain } from "../verify-chain";
import { checkCheckpoint, signCheckpoint } from "./checkpoint-message";
import { generateSigningKeyText, parseSigningKey, trustedKeys } from "./signing-key";
import { fileCheckpoints, runFullVerification, tableCheckpoints, verifyWithCheckpoints } from "./verify-with-checkpoints";

const run = promisify(execFile);
const key = parseSigningKey(generateSigningKeyText());
const keys = trustedKeys([key]);

async function appendRecords(database: TestDatabase, count: number, offset = 0): Promise<void> {
  for (let index = offset; index < offset + count; index += 1) {
    await database.app.db.transaction((tx) =>
      appendAuditEvent(tx, {
        actor: { type: "staff", id: `staff-${index % 3}` },
        action: "staff.change_role",
        outcome: "success",
        target: { type: "staff", id: `target-${index}` },
        details: { from: "support", to: "finance", index },
        request: { correlationId: `corr-${index}`, ip: "10.0.0.1", userAgent: "vitest" },
      }),
    );
  }
}

/** Rewrites every row from `fromSeq` onwards with changed details and recomputed hashes, so the plain chain verifies. */
async function recomputeFrom(database: TestDatabase, table: string, fromSeq: number): Promise<void> {
  const rows = await database.owner.unsafe(`select * from ${table} where seq >= ${fromSeq} order by seq`);
  const [before] = await database.owner.unsafe(`select hash from ${table} where seq = ${fromSeq - 1}`);
  let previous: string = before?.hash;
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
    await database.owner.unsafe(`update ${table} set details = $1, prev_hash = $2, hash = $3 where seq = $4`, [canonicalJson(record.details), previous, hash, record.seq]);
    previous = hash;
  }
}

describe("signed audit checkpoints", () => {
  let database: TestDatabase;
  let copies = 0;
  const directory = mkdtempSync(path.join(tmpdir(), "countersign-checkpoints-"));
  const exportFile = path.join(directory, "checkpoints.jsonl");
  const publicKeyFile = path.join(directory, "checkpoint-key.pem");
  writeFileSync(publicKeyFile, key.publicKeyPem);

  beforeAll(async () => {
    database = await createTestDatabase();
    await appendRecords(database, 12);
  });
  afterAll(() => database.drop());

  async function copy(): Promise<string> {
    copies += 1;
    const table = `audit_copy_${copies}`;
    await database.owner.unsafe(`create table ${table} as select * from audit_events`);
    return table;
  }

  const checkAgainstTable = async (table: string) => verifyWithCheckpoints(database.owner, { keys, entries: await tableCheckpoints(database.owner), table });

  it("signs the head as read, stores and exports it, and audits the checkpoint right after it", async () => {
    const outcome = await recordCheckpoint(database.app.db, { key, trigger: "schedule", exportTo: { file: exportFile } });
    expect(outcome.status).toBe("recorded");
    if (outcome.status !== "recorded") return;
    const [head] = await database.owner`select hash from audit_events where seq = 12`;
    expect(outcome.checkpoint).toMatchObject({ seq: 12, hash: head?.hash, keyId: key.keyId });
    expect(verify(null, Buffer.from(outcome.checkpoint.message, "utf8"), key.publicKey, Buffer.from(outcome.checkpoint.signature, "base64"))).toBe(true);
    expect(JSON.parse(outcome.checkpoint.message)).toEqual({ chain: "countersign-audit", seq: 12, hash: head?.hash, keyId: key.keyId, signedAt: outcome.checkpoint.signedAt });

    const [row] = await database.owner`select seq, message, signature, exported_to from audit_checkpoints`;
    expect(row).toMatchObject({ seq: "12", message: outcome.checkpoint.message, signature: outcome.checkpoint.signature, exported_to: exportFile });
    const [audited] = await database.owner`select seq, action, actor_type, target_id from audit_events where seq = 13`;
    expect(audited).toMatchObject({ action: "audit.checkpoint", actor_type: "service", target_id: "12" });
    expect(outcome.auditSeq).toBe(13);
    const lines = fileCheckpoints(exportFile);
    expect(lines).toHaveLength(1);
    expect(checkCheckpoint(lines[0]?.value, keys)).toMatchObject({ ok: true, checkpoint: { seq: 12 } });
  });

  it("skips its turn while another recorder holds the lock, and never signs a head twice", async () => {
    const busy = await database.app.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${checkpointLockKey})`);
      return recordCheckpoint(database.app.db, { key, trigger: "schedule" });
    });
    expect(busy).toEqual({ status: "busy" });

    // Recorders racing on their own connections: each head is signed at most once.
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => recordCheckpoint(database.app.db, { key, trigger: "schedule" })));
    const recorded = outcomes.flatMap((outcome) => (outcome.status === "recorded" ? [outcome.checkpoint.seq] : []));
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(new Set(recorded).size).toBe(recorded.length);
    const rows = await database.owner`select seq from audit_checkpoints where seq = any(${recorded})`;
    expect(rows).toHaveLength(recorded.length);
    for (const outcome of outcomes) expect(["recorded", "busy"]).toContain(outcome.status);
  });

  it("a head that already has a checkpoint is left alone (seq is the key; the insert does nothing)", async () => {
    await appendRecords(database, 1, 100);
    const [head] = await database.owner`select seq, hash from audit_events order by seq desc limit 1`;
    const twin = signCheckpoint(key, { seq: Number(head?.seq), hash: head?.hash }, new Date());
    await database.owner`insert into audit_checkpoints (seq, hash, signed_at, key_id, message, signature)
      values (${twin.seq}, ${twin.hash}, ${twin.signedAt}, ${twin.keyId}, ${twin.message}, ${twin.signature})`;
    expect(await recordCheckpoint(database.app.db, { key, trigger: "schedule" })).toEqual({ status: "unchanged", seq: twin.seq });
  });

  it("an intact copy verifies against every stored checkpoint", async () => {
    const table = await copy();
    const result = await checkAgainstTable(table);
    const [{ count }] = (await database.owner`select count(*)::int as count from audit_checkpoints`) as unknown as [{ count: number }];
    expect(result).toMatchObject({ ok: true, firstBreak: null, checkpointsChecked: count });
    expect(count).toBeGreaterThanOrEqual(2);
  });

  it("a deleted tail verifies on its own but is caught by the checkpoint it cut off", async () => {
    const table = await copy();
    const [latest] = await database.owner`select max(seq)::int as seq from audit_checkpoints`;
    await database.owner.unsafe(`delete from ${table} where seq > 5`);
    expect(await verifyChain(database.owner, { table: table })).toMatchObject({ ok: true, headSeq: 5 });
    const result = await checkAgainstTable(table);
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ seq: 6, reason: "checkpoint_beyond_head" });
    expect(result.firstBreak?.detail).toContain(`covers seq ${latest?.seq}`);
  });

  it("a chain recomputed from row k onwards verifies on its own but is caught at the first checkpoint after k", async () => {
    const table = await copy();
    await recomputeFrom(database, table, 7);
    expect(await verifyChain(database.owner, { table: table })).toMatchObject({ ok: true, firstBreak: null });
    const result = await checkAgainstTable(table);
    expect(result.firstBreak).toMatchObject({ seq: 12, reason: "checkpoint_mismatch" });
  });

  it("refuses a forged checkpoint: altered signature, an untrusted key, a line that disagrees with its message", async () => {
    const table = await copy();
    const [stored] = await tableCheckpoints(database.owner);
    const honest = stored?.value as Record<string, unknown>;
    const signature = Buffer.from(String(honest.signature), "base64");
    signature[0] = (signature[0] ?? 0) ^ 1;
    const badSignature = { ...honest, signature: signature.toString("base64") };
    const intruder = parseSigningKey(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const untrusted = signCheckpoint(intruder, { seq: Number(honest.seq), hash: String(honest.hash) }, new Date());
    const disagreeing = { ...honest, seq: Number(honest.seq) + 1 };

    for (const [forged, expected] of [
      [badSignature, "signature does not verify"],
      [untrusted, "not a trusted key"],
      [disagreeing, "seq differs from the signed message"],
    ] as const) {
      const result = await verifyWithCheckpoints(database.owner, { keys, entries: [{ source: "forged", value: forged }], table });
      expect(result.ok).toBe(false);
      expect(result.firstBreak).toMatchObject({ seq: Number(honest.seq), reason: "checkpoint_invalid" });
      expect(result.firstBreak?.detail).toContain(expected);
    }
  });

  it("npm run audit:verify -- --checkpoint FILE: exit 0 when the chain holds, 1 naming the seq when a copy was cut or rewritten, 2 without a trusted key", async () => {
    const env = { ...process.env, APP_DATABASE_URL: database.ownerUrl, AUDIT_SIGNING_KEY: "", AUDIT_TRUSTED_PUBLIC_KEYS: "" };
    const cli = (args: string[]) =>
      run("node_modules/.bin/tsx", ["scripts/audit-verify.mts", ...args], { env }).then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    const intact = await cli(["--checkpoint", exportFile, "--public-key", publicKeyFile]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit chain intact: \d+ records, head seq \d+, \d+ signed checkpoints matched/);
    const [recorded] = await database.owner`select ok, trigger, checkpoints_checked from audit_verifications where trigger = 'cli'`;
    expect(recorded).toMatchObject({ ok: true, trigger: "cli" });

    const cut = await copy();
    await database.owner.unsafe(`delete from ${cut} where seq > 10`);
    const tail = await cli(["--checkpoint", exportFile, "--public-key", publicKeyFile, "--table", cut]);
    expect(tail.code).toBe(1);
    expect(tail.stdout).toMatch(/BROKEN at seq 11: checkpoint_beyond_head/);

    const rewritten = await copy();
    await recomputeFrom(database, rewritten, 3);
    const rewrite = await cli(["--checkpoint", exportFile, "--public-key", publicKeyFile, "--table", rewritten]);
    expect(rewrite.code).toBe(1);
    expect(rewrite.stdout).toMatch(/BROKEN at seq 12: checkpoint_mismatch/);

    const forgedFile = path.join(directory, "forged.jsonl");
    const line = JSON.parse(readFileSync(exportFile, "utf8").split("\n")[0] ?? "{}") as { signature: string };
    const flipped = Buffer.from(line.signature, "base64");
    flipped[10] = (flipped[10] ?? 0) ^ 0x40;
    writeFileSync(forgedFile, `${JSON.stringify({ ...line, signature: flipped.toString("base64") })}\n`);
    const forged = await cli(["--checkpoint", forgedFile, "--public-key", publicKeyFile]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/BROKEN at seq 12: checkpoint_invalid/);

    const keyless = await cli(["--checkpoint", exportFile]);
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toMatch(/needs a trusted public key/);
  });
});

describe("exporting checkpoints to a URL", () => {
  let database: TestDatabase;
  let server: Server;
  let url = "";
  const received: string[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    database = await createTestDatabase();
    await appendRecords(database, 3);
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (piece: Buffer) => (body += piece.toString("utf8")));
      request.on("end", () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          response.writeHead(503).end();
          return;
        }
        received.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/checkpoints`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.drop();
  });

  it("retries a failing POST, and a URL that never answers is reported without blocking the checkpoint", async () => {
    const first = await recordCheckpoint(database.app.db, { key, trigger: "schedule", exportTo: { url } });
    expect(first).toMatchObject({ status: "recorded", export: { exportedTo: url, failures: [] } });
    expect(received).toHaveLength(1);
    expect(checkCheckpoint(JSON.parse(received[0] ?? "{}"), keys)).toMatchObject({ ok: true, checkpoint: { seq: 3 } });

    const unreachable = "http://127.0.0.1:9/checkpoints";
    const second = await recordCheckpoint(database.app.db, { key, trigger: "schedule", exportTo: { url: unreachable } });
    expect(second.status).toBe("recorded");
    if (second.status !== "recorded") return;
    expect(second.export.exportedTo).toBeNull();
    expect(second.export.failures).toEqual([{ target: unreachable, error: expect.stringContaining("after 3 attempts") }]);
    const [row] = await database.owner`select exported_to from audit_checkpoints where seq = ${second.checkpoint.seq}`;
    expect(row?.exported_to).toBeNull();
  });
});

describe("the scheduled full verification", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await appendRecords(database, 8);
  });
  afterAll(() => database.drop());

  it("records each result in audit_verifications, including a tail deleted from the live table by a superuser", async () => {
    await recordCheckpoint(database.app.db, { key, trigger: "schedule" });
    const intact = await runFullVerification(database.app.db, { keys, trigger: "schedule" });
    expect(intact.result).toMatchObject({ ok: true, checked: 9, headSeq: 9, checkpointsChecked: 1 });

    // The live table refuses DELETE even for its owner; a superuser can switch the guards off.
    await database.owner.unsafe("alter table audit_events disable trigger all");
    await database.owner.unsafe("delete from audit_events where seq > 6");
    await database.owner.unsafe("alter table audit_events enable trigger all");
    const broken = await runFullVerification(database.app.db, { keys, trigger: "schedule" });
    expect(broken.result).toMatchObject({ ok: false, headSeq: 6, firstBreak: { seq: 7, reason: "checkpoint_beyond_head" } });

    const rows = await database.owner`select id, ok, records, head_seq, first_broken_seq, reason, checkpoints_checked, trigger from audit_verifications order by finished_at`;
    expect(rows.map((row) => row.id)).toEqual([intact.id, broken.id]);
    expect(rows[0]).toMatchObject({ ok: true, records: "9", head_seq: "9", first_broken_seq: null, reason: null, checkpoints_checked: 1, trigger: "schedule" });
    expect(rows[1]).toMatchObject({ ok: false, records: "6", head_seq: "6", first_broken_seq: "7", trigger: "schedule" });
    expect(rows[1]?.reason).toMatch(/^checkpoint_beyond_head: /);
  });
});
