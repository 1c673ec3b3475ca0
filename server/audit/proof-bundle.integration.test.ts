import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { appendAuditEvent } from "./append-audit-event";
import { chainHash, genesisHash, type HashedAuditRecord } from "./chain";
import { signCheckpoint } from "./checkpoints/checkpoint-message";
import { generateSigningKeyText, parseSigningKey, trustedKeys } from "./checkpoints/signing-key";
import { buildProofBundle, proofFormat, type ProofBundle } from "./proof-bundle";
import { recordCheckpoint } from "./record-checkpoint";

const run = promisify(execFile);
const key = parseSigningKey(generateSigningKeyText());
const keys = trustedKeys([key]);
const directory = mkdtempSync(path.join(tmpdir(), "countersign-proofs-"));
let files = 0;

/** Runs the offline verifier on a bundle, exactly as an auditor would. */
async function verifyOffline(bundle: unknown, extraArgs: string[] = []): Promise<{ code: number; stdout: string }> {
  files += 1;
  const file = path.join(directory, `bundle-${files}.json`);
  writeFileSync(file, typeof bundle === "string" ? bundle : JSON.stringify(bundle, null, 2));
  return run(process.execPath, ["scripts/verify-proof.mjs", file, ...extraArgs]).then(
    (done) => ({ code: 0, stdout: done.stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

const clone = (bundle: ProofBundle): ProofBundle => JSON.parse(JSON.stringify(bundle)) as ProofBundle;

/** Changes one character of a hex or base64 string, keeping it the same length and alphabet. */
function flipCharacter(text: string, index: number): string {
  const replacement = text[index] === "a" ? "b" : "a";
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe("audit proof bundles and scripts/verify-proof.mjs", () => {
  let database: TestDatabase;
  let bundle: ProofBundle;

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let index = 0; index < 6; index += 1) {
      await database.app.db.transaction((tx) =>
        appendAuditEvent(tx, {
          actor: { type: "staff", id: `staff-${index}` },
          action: "adjustment.approve",
          outcome: index === 2 ? "denied" : "success",
          target: { type: "adjustment", id: `adj-${index}` },
          details: { note: "Zürich ✓ 𝄞 \"quoted\" \\ back\u2028slash", nested: { list: [1, 2.5, -3, 1e21, 0.1], flag: true, none: null }, amount: "12.30", index },
          request: { correlationId: `corr-${index}`, ip: "10.0.0.1", userAgent: "Mozilla/5.0 (X11) ünïcode" },
        }),
      );
    }
    await recordCheckpoint(database.app.db, { key, trigger: "schedule" });
    const outcome = await buildProofBundle(database.app.db, 3, keys);
    if (outcome.status !== "ok") throw new Error(`expected a bundle, got ${outcome.status}`);
    bundle = outcome.bundle;
  });
  afterAll(() => database.drop());

  it("holds the record, its hash, the segment to the covering checkpoint, the signed checkpoint and the public key", async () => {
    expect(bundle).toMatchObject({ format: proofFormat, chain: "countersign-audit", seq: 3, checkpoint: { seq: 6, keyId: key.keyId }, publicKey: { keyId: key.keyId, pem: key.publicKeyPem } });
    expect(bundle.segment.map((link) => link.record.seq)).toEqual([3, 4, 5, 6]);
    const [stored] = await database.owner`select hash from audit_events where seq = 3`;
    expect(bundle.hash).toBe(stored?.hash);
    expect(bundle.record).toEqual(bundle.segment[0]?.record);
    expect(bundle.record.outcome).toBe("denied");
  });

  it("verifies offline with the bundled key and with a trusted copy of it, and fails with any other key", async () => {
    expect(await verifyOffline(bundle)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: audit record 3 is in the chain signed at seq 6/) });
    const trusted = path.join(directory, "trusted.pem");
    writeFileSync(trusted, key.publicKeyPem);
    expect(await verifyOffline(bundle, ["--public-key", trusted])).toMatchObject({ code: 0 });
    const other = path.join(directory, "other.pem");
    writeFileSync(other, parseSigningKey(generateSigningKeyText()).publicKeyPem);
    expect(await verifyOffline(bundle, ["--public-key", other])).toMatchObject({ code: 1, stdout: expect.stringContaining("not by the given key") });
  });

  const alterations: [string, (copy: ProofBundle) => void, RegExp][] = [
    ["one letter of the record's details", (copy) => void ((copy.record.details as { note: string }).note = (copy.record.details as { note: string }).note.replace("Z", "z")), /record differs/],
    ["one letter of the record in the segment and at the top alike", (copy) => {
      for (const record of [copy.record, copy.segment[0]?.record]) if (record) record.actorId = "staff-9";
    }, /seq 3: hash does not match/],
    ["one digit of a later record's time", (copy) => {
      const record = copy.segment[2]?.record as HashedAuditRecord;
      record.occurredAt = record.occurredAt.replace(/\d(?=Z$)/, (digit) => String((Number(digit) + 1) % 10));
    }, /seq 5: hash does not match/],
    ["one hex digit of a stored hash", (copy) => void ((copy.segment[1] as { hash: string }).hash = flipCharacter(copy.segment[1]?.hash ?? "", 7)), /seq 4: hash does not match/],
    ["one hex digit of a prev_hash", (copy) => void ((copy.segment[2] as { prevHash: string }).prevHash = flipCharacter(copy.segment[2]?.prevHash ?? "", 0)), /seq 5: prev_hash does not equal/],
    ["one character of the signature", (copy) => void (copy.checkpoint.signature = flipCharacter(copy.checkpoint.signature, 5)), /signature does not verify/],
    ["the checkpoint seq inside the signed message", (copy) => void (copy.checkpoint.message = copy.checkpoint.message.replace('"seq":6', '"seq":7')), /checkpoint seq differs|signed checkpoint is for seq 7/],
    ["the checkpoint seq beside the message", (copy) => void (copy.checkpoint.seq = 7), /checkpoint seq differs from the signed message/],
    ["the record's seq", (copy) => void (copy.seq = 4), /record differs|expected seq 4/],
    ["one character of the bundled public key", (copy) => void (copy.publicKey.pem = copy.publicKey.pem.replace(/(PUBLIC KEY-----\n.{20})(.)/, (_match, head: string, character: string) => head + (character === "A" ? "B" : "A"))), /FAILED/],
  ];

  it.each(alterations)("altering %s fails offline verification", async (_what, alter, expected) => {
    const copy = clone(bundle);
    alter(copy);
    expect(JSON.stringify(copy)).not.toBe(JSON.stringify(bundle));
    const result = await verifyOffline(copy);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAILED: /);
    expect(result.stdout).toMatch(expected);
  });

  it("a record after the latest checkpoint is not covered yet; a segment past the cap is refused", async () => {
    const [head] = await database.owner`select max(seq)::int as seq from audit_events`;
    expect(await buildProofBundle(database.app.db, Number(head?.seq), keys)).toEqual({ status: "not_covered" });
    expect(await buildProofBundle(database.app.db, 999, keys)).toEqual({ status: "not_found" });
    expect(await buildProofBundle(database.app.db, 1, keys, 5)).toEqual({ status: "segment_too_long", checkpointSeq: 6, rows: 6 });
    expect(await buildProofBundle(database.app.db, 1, trustedKeys([]))).toMatchObject({ status: "unknown_key", keyId: key.keyId });
  });

  // Last: it alters the stored chain. A number JSON.parse rounds back to the honest value would
  // otherwise give a bundle that verifies offline while the database shows another value.
  it("refuses a bundle whose segment holds a record altered to a number its hash cannot cover", async () => {
    await database.owner.unsafe(`alter table audit_events disable trigger audit_events_refuse_update_delete`);
    await database.owner.unsafe(`update audit_events set details = replace(details, '"index":4', '"index":4.0000000000000001') where seq = 5`);
    await database.owner.unsafe(`alter table audit_events enable always trigger audit_events_refuse_update_delete`);
    const [seen] = await database.owner`select details::jsonb->>'index' as index from audit_events where seq = 5`;
    expect(seen?.index).toBe("4.0000000000000001");
    expect(await buildProofBundle(database.app.db, 3, keys)).toEqual({ status: "altered", recordSeq: 5, token: "4.0000000000000001" });
    expect(await buildProofBundle(database.app.db, 6, keys)).toMatchObject({ status: "ok" });
  });
});

describe("verify-proof.mjs canonical JSON is chain.ts's, byte for byte", () => {
  it("accepts a chain of tricky records hashed by chain.ts (unicode, escapes, key order, numbers, nesting)", async () => {
    const details: Record<string, unknown>[] = [
      { "é": 1, e: 2, Z: 3, a: 4, "10": 5, "2": 6, "\u00e9\u0301": 7, "😀": 8, "\uff61": 9 },
      { text: "tab\there, newline\n, nul\u0000, bell\u0007, del\u007f, \u2028\u2029, \"q\" \\ /", emoji: "😀👩‍👩‍👧", rtl: "\u202eabc" },
      { numbers: [0, -0, 1, -1, 0.1, 0.30000000000000004, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, 4.35, 2 ** 53, -1e-6] },
      { deep: { a: [{ z: [], y: {} }, [[[]]], null, true, false, "x"], b: { c: { d: { e: "f" } } } } },
      {},
    ];
    const signer = parseSigningKey(generateSigningKeyText());
    const segment: { record: HashedAuditRecord; prevHash: string; hash: string }[] = [];
    let prevHash = genesisHash;
    details.forEach((detail, index) => {
      const record: HashedAuditRecord = {
        seq: index + 1,
        occurredAt: new Date(Date.UTC(2026, 10, 21, 22, 0, 0, index * 7)).toISOString(),
        actorType: index % 2 === 0 ? "staff" : "service",
        actorId: `actor-ü-${index}`,
        action: "audit.test",
        targetType: index === 4 ? null : "thing",
        targetId: index === 4 ? null : `t-${index}`,
        outcome: "success",
        correlationId: null,
        ip: index === 1 ? "::1" : null,
        userAgent: index === 0 ? "Ünïcødé agent/1.0" : null,
        details: detail,
      };
      const hash = chainHash(prevHash, record);
      segment.push({ record, prevHash, hash });
      prevHash = hash;
    });
    const last = segment[segment.length - 1] as (typeof segment)[number];
    const checkpoint = signCheckpoint(signer, { seq: last.record.seq, hash: last.hash }, new Date());
    const synthetic = {
      format: proofFormat,
      chain: "countersign-audit",
      seq: 1,
      record: segment[0]?.record,
      hash: segment[0]?.hash,
      segment,
      checkpoint,
      publicKey: { keyId: signer.keyId, pem: signer.publicKeyPem },
      generatedAt: new Date().toISOString(),
    };
    expect(await verifyOffline(synthetic)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK/) });
  });
});
