import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildStoredChain, encodeCopyStream } from "@/test/support/binary-copy";
import { chainHash, genesisHash, type HashedAuditRecord } from "./chain";
import { CopyRowReader, joinRanges, RangeWalk, type ChainVerification, type CheckpointMark, type StoredAuditRow } from "./verify-chain";

function record(seq: number): Omit<HashedAuditRecord, "seq"> {
  return {
    occurredAt: new Date(Date.UTC(2025, 0, 1) + seq * 7_919).toISOString(),
    actorType: "staff",
    actorId: `staff-${seq % 7}`,
    action: "adjustment.approve",
    targetType: "adjustment",
    targetId: `adjustment-${seq}`,
    outcome: "success",
    correlationId: `corr-${seq}`,
    ip: "10.0.0.1",
    userAgent: seq % 5 === 0 ? "Zoë’s browser 😀" : "vitest",
    details: { amount: `${seq}.00`, currency: "EUR", index: seq, nested: { list: [seq, "x"], flag: seq % 2 === 0 } },
  };
}

const chain = buildStoredChain(120, record);

/** Walks one range's rows from an encoded COPY stream fed in small pieces, as the network would. */
function walkRange(rows: readonly StoredAuditRow[], marks: readonly CheckpointMark[], pieceBytes = 777) {
  const stream = encodeCopyStream(rows);
  const reader = new CopyRowReader();
  const walk = new RangeWalk(marks);
  for (let at = 0; at < stream.length; at += pieceBytes) {
    if (!reader.walk(stream.subarray(at, at + pieceBytes), walk)) break;
  }
  return walk.outcome();
}

/** The chain verified as ranges split before the given seqs, joined. */
function verifySplit(rows: readonly StoredAuditRow[], splitBefore: readonly number[], marks: CheckpointMark[] = []): ChainVerification {
  const bounds = [0, ...splitBefore, Number.POSITIVE_INFINITY];
  const sorted = [...marks].sort((a, b) => a.seq - b.seq);
  const ranges = bounds.slice(1).map((upTo, index) => walkRange(rows.filter((row) => row.seq > (bounds[index] as number) - 1 && row.seq < upTo && row.seq >= 1), sorted));
  return { ...joinRanges(ranges, sorted, performance.now()), elapsedMs: 0 };
}

const verifyWhole = (rows: readonly StoredAuditRow[], marks: CheckpointMark[] = []) => verifySplit(rows, [], marks);

/** The row-by-row walk the verifier replaced, kept as the reference for what must be reported. */
function referenceVerify(rows: readonly StoredAuditRow[], checkpoints: CheckpointMark[] = []): ChainVerification {
  const marks = [...checkpoints].sort((a, b) => a.seq - b.seq);
  let markIndex = 0;
  let expectedSeq = 1;
  let previousHash = genesisHash;
  let checked = 0;
  const stop = (firstBreak: ChainVerification["firstBreak"]) => ({ ok: firstBreak === null, checked, headSeq: expectedSeq - 1, headHash: previousHash, firstBreak, checkpointsChecked: markIndex, elapsedMs: 0 });
  for (const row of rows.filter((candidate) => candidate.seq > 0)) {
    if (row.seq !== expectedSeq) {
      return stop({ seq: expectedSeq, reason: "gap", detail: row.seq > expectedSeq ? `expected seq ${expectedSeq}, found ${row.seq}` : `seq ${row.seq} out of order` });
    }
    if (row.prevHash !== previousHash) return stop({ seq: row.seq, reason: "broken_link", detail: `prev_hash does not equal the hash of seq ${row.seq - 1}` });
    if (chainHash(row.prevHash, row) !== row.hash) return stop({ seq: row.seq, reason: "hash_mismatch", detail: "stored hash does not match the record's contents" });
    checked += 1;
    expectedSeq = row.seq + 1;
    previousHash = row.hash;
    while (row.seq === marks[markIndex]?.seq) {
      const mark = marks[markIndex] as CheckpointMark;
      if (mark.hash !== row.hash) {
        return stop({ seq: row.seq, reason: "checkpoint_mismatch", detail: `the hash at seq ${row.seq} differs from the checkpoint signed at ${mark.signedAt}: the chain was rewritten at or before it` });
      }
      markIndex += 1;
    }
  }
  const latest = marks[marks.length - 1];
  if (latest && markIndex < marks.length) {
    return stop({ seq: expectedSeq, reason: "checkpoint_beyond_head", detail: `the chain ends at seq ${expectedSeq - 1}, but a checkpoint signed at ${latest.signedAt} covers seq ${latest.seq}: records were removed from the tail` });
  }
  return stop(null);
}

function tampered(change: (rows: StoredAuditRow[]) => void): StoredAuditRow[] {
  const rows = chain.map((row) => ({ ...row }));
  change(rows);
  return rows;
}

const at = (rows: StoredAuditRow[], seq: number) => rows.find((row) => row.seq === seq) as StoredAuditRow;

describe("RangeWalk over binary COPY bytes", () => {
  it("verifies an intact chain whole and split anywhere, pieces cut mid-row", () => {
    expect(verifyWhole(chain)).toMatchObject({ ok: true, checked: 120, headSeq: 120, headHash: chain[119]?.hash, firstBreak: null });
    expect(verifySplit(chain, [2, 61, 62, 120])).toEqual(referenceVerify(chain));
    expect(walkRange(chain, [], 1)).toEqual(walkRange(chain, [], 1 << 20));
  });

  it("reports a break in the second range at its seq, with the rows checked before it", () => {
    const rows = tampered((all) => (at(all, 75).action = "forged"));
    const expected = { ok: false, checked: 74, headSeq: 74, firstBreak: { seq: 75, reason: "hash_mismatch" } };
    expect(verifyWhole(rows)).toMatchObject(expected);
    expect(verifySplit(rows, [61])).toEqual(referenceVerify(rows));
  });

  it("checks the seam row itself: its link, its seq and its hash, in that order", () => {
    const relinked = tampered((all) => (at(all, 61).prevHash = "f".repeat(64)));
    expect(verifySplit(relinked, [61])).toMatchObject({ checked: 60, firstBreak: { seq: 61, reason: "broken_link" } });
    const edited = tampered((all) => (at(all, 61).details = { amount: "0.00" }));
    expect(verifySplit(edited, [61])).toMatchObject({ checked: 60, headSeq: 60, headHash: chain[59]?.hash, firstBreak: { seq: 61, reason: "hash_mismatch" } });
    const deleted = chain.filter((row) => row.seq !== 61);
    expect(verifySplit(deleted, [61])).toMatchObject({ checked: 60, firstBreak: { seq: 61, reason: "gap", detail: "expected seq 61, found 62" } });
    const lastOfFirstDeleted = chain.filter((row) => row.seq !== 60);
    expect(verifySplit(lastOfFirstDeleted, [61])).toMatchObject({ checked: 59, firstBreak: { seq: 60, reason: "gap" } });
    for (const rows of [relinked, edited, deleted, lastOfFirstDeleted]) expect(verifySplit(rows, [61])).toEqual(referenceVerify(rows));
  });

  it("reports the lower of two breaks in different ranges, whichever range finishes first", () => {
    const rows = tampered((all) => {
      at(all, 30).ip = "10.6.6.6";
      at(all, 90).ip = "10.6.6.6";
    });
    expect(verifySplit(rows, [61])).toMatchObject({ checked: 29, firstBreak: { seq: 30, reason: "hash_mismatch" } });
  });

  it("skips an empty range and checks the next one against the range before it", () => {
    const rows = chain.filter((row) => row.seq <= 40 || row.seq > 80);
    expect(verifySplit(rows, [41, 81])).toMatchObject({ checked: 40, firstBreak: { seq: 41, reason: "gap", detail: "expected seq 41, found 81" } });
    expect(verifySplit(chain, [41, 41, 81])).toEqual(verifyWhole(chain));
  });

  it("checks checkpoints in every range, at a seam too, and a checkpoint past the head", () => {
    const mark = (seq: number, hash = chain[seq - 1]?.hash ?? "") => ({ seq, hash, signedAt: `signed ${seq}` });
    const marks = [mark(10), mark(61), mark(100)];
    expect(verifySplit(chain, [61], marks)).toMatchObject({ ok: true, checkpointsChecked: 3 });
    const wrongAtSeam = [mark(10), mark(61, "0".repeat(64)), mark(100)];
    expect(verifySplit(chain, [61], wrongAtSeam)).toMatchObject({ checked: 61, headSeq: 61, checkpointsChecked: 1, firstBreak: { seq: 61, reason: "checkpoint_mismatch" } });
    const beyond = [mark(10), { seq: 200, hash: "1".repeat(64), signedAt: "later" }];
    expect(verifySplit(chain, [61], beyond)).toMatchObject({ checked: 120, checkpointsChecked: 1, firstBreak: { seq: 121, reason: "checkpoint_beyond_head" } });
    for (const set of [marks, wrongAtSeam, beyond]) expect(verifySplit(chain, [61], set)).toEqual(referenceVerify(chain, set));
  });

  it("joined ranges report exactly what the row-by-row walk reports, for random tampering and random splits", () => {
    const change = fc.oneof(
      fc.record({ kind: fc.constant("edit" as const), seq: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ kind: fc.constant("delete" as const), seq: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ kind: fc.constant("relink" as const), seq: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ kind: fc.constant("duplicate" as const), seq: fc.integer({ min: 1, max: 120 }) }),
    );
    const marks = fc.array(fc.integer({ min: 1, max: 130 }), { maxLength: 4 }).map((seqs) => seqs.map((seq) => ({ seq, hash: chain[seq - 1]?.hash ?? "e".repeat(64), signedAt: `s${seq}` })));
    fc.assert(
      fc.property(fc.array(change, { maxLength: 3 }), fc.uniqueArray(fc.integer({ min: 2, max: 121 }), { maxLength: 4 }), marks, (changes, splits, checkpoints) => {
        let rows = chain.map((row) => ({ ...row }));
        for (const { kind, seq } of changes) {
          const row = rows.find((candidate) => candidate.seq === seq);
          if (!row) continue;
          if (kind === "edit") row.targetId = "forged";
          if (kind === "relink") row.prevHash = "d".repeat(64);
          if (kind === "delete") rows = rows.filter((candidate) => candidate !== row);
          if (kind === "duplicate") rows.splice(rows.indexOf(row), 0, { ...row });
        }
        const expected = referenceVerify(rows, checkpoints);
        expect(verifyWhole(rows, checkpoints)).toEqual(expected);
        expect(verifySplit(rows, [...splits].sort((a, b) => a - b), checkpoints)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
