import { hash } from "node:crypto";
import type { Readable } from "node:stream";
import type postgres from "postgres";
import { chainHash, genesisHash, type HashedAuditRecord } from "./chain";
import { copySelectList, decodeRecord, hashColumn, prevHashColumn, RowFields, rowSeq, rowText, writeCanonicalRecord } from "./copy-row";

export interface StoredAuditRow extends HashedAuditRecord {
  prevHash: string;
  hash: string;
}

export type ChainBreak =
  | { seq: number; reason: "gap"; detail: string }
  | { seq: number; reason: "broken_link"; detail: string }
  | { seq: number; reason: "hash_mismatch"; detail: string }
  | { seq: number; reason: "checkpoint_mismatch"; detail: string }
  | { seq: number; reason: "checkpoint_beyond_head"; detail: string }
  | { seq: number; reason: "checkpoint_invalid"; detail: string };

/** A signed checkpoint whose signature has already been checked: the chain must hold `hash` at `seq`. */
export interface CheckpointMark {
  seq: number;
  hash: string;
  signedAt: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBreak: ChainBreak | null;
  /** Checkpoints whose seq the walk reached and found with exactly the signed hash. */
  checkpointsChecked: number;
  elapsedMs: number;
}

export interface VerifyOptions {
  /** The table to walk (audit_events by default): tests and investigators verify copies. */
  table?: string;
  checkpoints?: readonly CheckpointMark[];
}

/**
 * Walks the chain in sequence order and stops at the first broken link. Each row is checked three
 * ways: its seq follows the previous one, its prev_hash equals the previous row's hash, and its
 * hash recomputes from its own fields. Checking only the ends would accept a forged middle.
 *
 * Given signed checkpoints (signatures already checked), the row at each checkpoint's seq must
 * carry exactly the signed hash, which catches a chain recomputed from some row onwards, and the
 * chain must reach the latest checkpoint, which catches a deleted tail. Per row that costs one
 * integer comparison with the next checkpoint's seq.
 */
export async function verifyChain(sql: postgres.Sql, options: VerifyOptions = {}): Promise<ChainVerification> {
  const started = performance.now();
  const table = checkedTableName(options.table ?? "audit_events");
  const marks = sortedMarks(options.checkpoints ?? []);
  const walk = new RangeWalk(marks);
  await streamRange(sql, table, { after: 0, upTo: null }, walk);
  return joinRanges([walk.outcome()], marks, started);
}

/** Checkpoint seqs are positive integers (checkCheckpoint refuses others), which the walks rely on. */
export function sortedMarks(checkpoints: readonly CheckpointMark[]): CheckpointMark[] {
  for (const mark of checkpoints) {
    if (!Number.isSafeInteger(mark.seq) || mark.seq <= 0) throw new Error(`checkpoint seq ${mark.seq} is not a positive integer`);
  }
  return [...checkpoints].sort((a, b) => a.seq - b.seq);
}

export function checkedTableName(table: string): string {
  if (!/^[a-z_][a-z0-9_.]{0,126}$/.test(table)) throw new Error(`invalid table name ${table}`);
  return table;
}

/**
 * What a walk over one seq range found. Its first row's seq and prev_hash are not checked by the
 * walk, which does not know the row before it; joinRanges checks them against the previous range.
 */
export interface RangeOutcome {
  rows: number;
  firstSeq: number;
  firstPrevHash: string | null;
  /** Rows fully checked before the walk stopped (all rows when it did not). */
  checked: number;
  lastSeq: number;
  lastHash: string;
  failure: ChainBreak | null;
  checkpointsChecked: number;
}

/**
 * Joins the outcomes of consecutive seq ranges into the verification of the whole chain, exactly
 * as one walk from seq 1 would have reported it: the seam rows are checked for their seq and link
 * here, before any break the range itself found at them, and the first break in seq order wins.
 */
export function joinRanges(ranges: readonly RangeOutcome[], marks: readonly CheckpointMark[], started: number): ChainVerification {
  let expectedSeq = 1;
  let previousHash = genesisHash;
  let checked = 0;
  let checkpointsChecked = 0;
  const stop = (failure: ChainBreak | null) => finish(failure === null, checked, expectedSeq - 1, previousHash, failure, checkpointsChecked, started);
  for (const range of ranges) {
    if (range.rows === 0) continue;
    const seam = seamBreak(range, expectedSeq, previousHash);
    if (seam) return stop(seam);
    checked += range.checked;
    checkpointsChecked += range.checkpointsChecked;
    if (range.checked > 0) {
      expectedSeq = range.lastSeq + 1;
      previousHash = range.lastHash;
    }
    if (range.failure) return stop(range.failure);
  }
  const latest = marks[marks.length - 1];
  if (latest && checkpointsChecked < marks.length) {
    return stop({ seq: expectedSeq, reason: "checkpoint_beyond_head", detail: `the chain ends at seq ${expectedSeq - 1}, but a checkpoint signed at ${latest.signedAt} covers seq ${latest.seq}: records were removed from the tail` });
  }
  return stop(null);
}

function seamBreak(range: RangeOutcome, expectedSeq: number, previousHash: string): ChainBreak | null {
  if (range.firstSeq !== expectedSeq) return gapBreak(range.firstSeq, expectedSeq);
  if (range.firstPrevHash !== previousHash) return linkBreak(range.firstSeq);
  return null;
}

function gapBreak(seq: number, expectedSeq: number): ChainBreak {
  const detail = seq > expectedSeq ? `expected seq ${expectedSeq}, found ${seq}` : `seq ${seq} out of order`;
  return { seq: expectedSeq, reason: "gap", detail };
}

function linkBreak(seq: number): ChainBreak {
  return { seq, reason: "broken_link", detail: `prev_hash does not equal the hash of seq ${seq - 1}` };
}

function finish(
  ok: boolean,
  checked: number,
  headSeq: number,
  headHash: string,
  firstBreak: ChainBreak | null,
  checkpointsChecked: number,
  started: number,
): ChainVerification {
  return { ok, checked, headSeq, headHash, firstBreak, checkpointsChecked, elapsedMs: performance.now() - started };
}

/** Reused for every hash on this thread: the prev_hash bytes and the canonical JSON, contiguous. */
const scratch = Buffer.allocUnsafe(64 * 1024);
/**
 * A row of at most this many bytes fits the scratch buffer however its values are escaped (at
 * most six bytes per byte, \u00XX) plus member names; a bigger one takes the reference path.
 */
const directRowBytesMax = Math.floor((scratch.length - 1024) / 6);

/**
 * Checks the rows of one seq range in order: from its second row on, each row's seq and link; for
 * every row, its recomputed hash and any checkpoint at its seq. Stops at the first break.
 */
export class RangeWalk {
  private rows = 0;
  private firstSeq = 0;
  private firstPrevHash: string | null = null;
  private checked = 0;
  private expectedSeq = 0;
  private previousHash = "";
  private failure: ChainBreak | null = null;
  private markIndex = 0;
  private nextMarkSeq: number;

  /** marks: sorted by seq; those before the range's first row are never reached. */
  constructor(private readonly marks: readonly CheckpointMark[]) {
    this.nextMarkSeq = marks[0]?.seq ?? Number.POSITIVE_INFINITY;
  }

  /** Checks the row whose fields were just read; false when the walk stops at it. */
  row(bytes: Buffer, fields: RowFields, rowLength: number): boolean {
    const seq = rowSeq(bytes, fields);
    let linkHex = this.previousHash;
    if (this.rows === 0) {
      this.firstSeq = seq;
      this.firstPrevHash = rowText(bytes, fields, prevHashColumn);
      linkHex = this.firstPrevHash ?? "";
      this.skipMarksBefore(seq);
    } else if (seq !== this.expectedSeq) {
      return this.stop(gapBreak(seq, this.expectedSeq));
    } else if (!fieldEquals(bytes, fields, prevHashColumn, linkHex)) {
      return this.stop(linkBreak(seq));
    }
    this.rows += 1;
    const digest = recomputeHash(linkHex, bytes, fields, rowLength);
    if (digest === null) {
      return this.stop({ seq, reason: "hash_mismatch", detail: "the record has no canonical JSON form (its details are not JSON, or hold a value RFC 8785 cannot represent)" });
    }
    if (!fieldEquals(bytes, fields, hashColumn, digest)) {
      return this.stop({ seq, reason: "hash_mismatch", detail: "stored hash does not match the record's contents" });
    }
    this.checked += 1;
    this.expectedSeq = seq + 1;
    this.previousHash = digest;
    while (seq === this.nextMarkSeq) {
      const mark = this.marks[this.markIndex] as CheckpointMark;
      if (mark.hash !== digest) {
        return this.stop({ seq, reason: "checkpoint_mismatch", detail: `the hash at seq ${seq} differs from the checkpoint signed at ${mark.signedAt}: the chain was rewritten at or before it` });
      }
      this.skipMark();
    }
    return true;
  }

  outcome(): RangeOutcome {
    const { rows, firstSeq, firstPrevHash, checked, failure } = this;
    return { rows, firstSeq, firstPrevHash, checked, lastSeq: this.expectedSeq - 1, lastHash: this.previousHash, failure, checkpointsChecked: this.markIndex - this.marksBefore };
  }

  private marksBefore = 0;

  /** Marks below the range's first row belong to earlier ranges (or to none: the join says so). */
  private skipMarksBefore(seq: number): void {
    while (this.nextMarkSeq < seq) this.skipMark();
    this.marksBefore = this.markIndex;
  }

  private skipMark(): void {
    this.markIndex += 1;
    this.nextMarkSeq = this.marks[this.markIndex]?.seq ?? Number.POSITIVE_INFINITY;
  }

  private stop(failure: ChainBreak): false {
    this.failure = failure;
    return false;
  }
}

/** True when the text field holds exactly the ASCII text (a NULL never does). */
function fieldEquals(bytes: Buffer, fields: RowFields, column: number, text: string): boolean {
  const start = fields.starts[column] as number;
  if (start < 0 || fields.lengths[column] !== text.length) return false;
  for (let index = 0; index < text.length; index += 1) {
    if (bytes[start + index] !== text.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * SHA-256( bytes(prev_hash) || UTF-8( canonical JSON ) ), the bytes assembled straight from the
 * COPY fields; rows the direct path declines (or too big for the scratch buffer) are decoded and
 * hashed by chainHash, the reference. The hex write decodes prev_hash as chainHash does. Null when
 * the record has no canonical form: details that are not JSON (a stored text column can hold
 * anything once its check constraint is gone), that hold a number a double does not hold exactly
 * (exact-json.ts), or a value canonicalJson refuses.
 */
function recomputeHash(linkHex: string, bytes: Buffer, fields: RowFields, rowLength: number): string | null {
  if (rowLength <= directRowBytesMax && linkHex.length <= 128) {
    const prevLength = scratch.write(linkHex, 0, "hex");
    const length = writeCanonicalRecord(scratch, prevLength, bytes, fields);
    if (length >= 0) return hash("sha256", new Uint8Array(scratch.buffer, scratch.byteOffset, prevLength + length), "hex");
  }
  try {
    return chainHash(linkHex, decodeRecord(bytes, fields));
  } catch {
    return null;
  }
}

/**
 * Rows per COPY statement. Each chunk is its own short statement, so a long chain never runs into
 * the statement timeout, and an early stop has at most one chunk left to drain.
 */
const chunkRowsMax = 50_000;
/**
 * Received bytes are checked in pieces of about this size (some 60 rows), so that PostgreSQL keeps
 * sending while they are checked.
 */
const pieceBytesMin = 32 * 1024;

/** A seq range: rows with after < seq, and seq <= upTo unless upTo is null (to the live head). */
export interface SeqRange {
  after: number;
  upTo: number | null;
}

/**
 * Feeds a table with the audit_events layout to the walk in sequence order, until the range ends or
 * the walk stops. Rows arrive by binary COPY in keyset chunks, which costs PostgreSQL and Node a
 * fraction of a row-by-row result; occurred_at arrives as an exact count of microseconds, so no
 * session setting (DateStyle, TimeZone) can change the ISO 8601 text that is rebuilt and hashed.
 * Rows with a NULL or non-positive seq are outside every range, as they always were.
 */
export async function streamRange(sql: postgres.Sql, table: string, range: SeqRange, walk: RangeWalk): Promise<void> {
  let after = range.after;
  for (;;) {
    // COPY takes no bind parameters; the keyset bounds are inlined, so they must be exact integers.
    if (!Number.isSafeInteger(after)) throw new Error(`seq ${after} is beyond the exactly representable range`);
    if (range.upTo !== null && !Number.isSafeInteger(range.upTo)) throw new Error(`seq ${range.upTo} is beyond the exactly representable range`);
    const upTo = range.upTo === null ? "" : ` and seq <= ${range.upTo}`;
    const query = `copy (select ${copySelectList} from ${checkedTableName(table)} where seq > ${after}${upTo} order by seq limit ${chunkRowsMax}) to stdout with (format binary)`;
    const chunk = await copyInto(sql, query, walk);
    if (chunk.stopped || chunk.rows < chunkRowsMax) return;
    after = chunk.lastSeq;
  }
}

/** Runs one COPY ... TO STDOUT (FORMAT binary) and walks its rows as they arrive. */
async function copyInto(sql: postgres.Sql, query: string, walk: RangeWalk): Promise<{ rows: number; lastSeq: number; stopped: boolean }> {
  const inbox = new CopyInbox(await sql.unsafe(query).readable());
  const reader = new CopyRowReader();
  try {
    for (let piece = await inbox.next(); piece !== null; piece = await inbox.next()) {
      if (!reader.walk(piece, walk)) return { rows: reader.rows, lastSeq: reader.lastSeq, stopped: true };
    }
    reader.finish();
    return { rows: reader.rows, lastSeq: reader.lastSeq, stopped: false };
  } finally {
    await inbox.drain();
  }
}
/**
 * Collects a COPY stream read in flowing mode and hands it out in pieces. PostgreSQL keeps sending
 * while the rows already here are checked, so its work and ours overlap on two cores; a chunk is
 * at most chunkRowsMax rows, which bounds what can pile up.
 */
class CopyInbox {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  private failure: Error | null = null;
  private discarding = false;
  private wake: (() => void) | null = null;
  private readonly finished: Promise<void>;

  constructor(stream: Readable) {
    stream.on("data", (piece: Buffer) => {
      if (this.discarding) return;
      this.pieces.push(piece);
      this.pendingBytes += piece.length;
      if (this.pendingBytes >= pieceBytesMin) this.signal();
    });
    this.finished = new Promise((resolve) => {
      const settle = (failure: Error | null) => {
        resumeConnection(stream);
        this.ended = true;
        this.failure = failure;
        this.signal();
        resolve();
      };
      stream.once("end", () => settle(null));
      stream.once("error", (error: Error) => settle(error));
    });
  }

  /** The next piece of at least pieceBytesMin bytes (less at the end), or null when the stream ended. */
  async next(): Promise<Buffer | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.pendingBytes >= pieceBytesMin || (this.ended && this.pendingBytes > 0)) {
        const piece = Buffer.concat(this.pieces, this.pendingBytes);
        this.pieces = [];
        this.pendingBytes = 0;
        return piece;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Discards what is left and waits for the statement to end, so the connection returns idle. */
  drain(): Promise<void> {
    this.discarding = true;
    this.pieces = [];
    this.pendingBytes = 0;
    return this.finished;
  }

  private signal(): void {
    this.wake?.();
    this.wake = null;
  }
}

/**
 * postgres.js 3.4 pauses its socket when a COPY stream's buffer fills and resumes it only from the
 * stream's _read. If the COPY ends while paused (a chunk that arrived in one socket read before the
 * consumer attached is enough), the connection never reads again and its next query hangs. The
 * stream's own _read resumes the socket; when it is flowing that is a no-op. Called as soon as the
 * stream ends. Upstream: https://github.com/porsager/postgres/issues/499 and pull request #1016.
 */
function resumeConnection(stream: Readable): void {
  stream._read(0);
}

const copySignature = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Splits the binary COPY format (header, then per row a field count and length-prefixed fields)
 * into rows and hands each complete row to the walk. Bytes may arrive split anywhere; an incomplete
 * row is kept for the next piece.
 */
export class CopyRowReader {
  rows = 0;
  lastSeq = 0;
  private headerSeen = false;
  private trailerSeen = false;
  private carry: Buffer | null = null;
  private readonly fields = new RowFields();

  /** Walks the complete rows now at hand; false when the walk stopped. */
  walk(piece: Buffer, walk: RangeWalk): boolean {
    const bytes = this.carry ? Buffer.concat([this.carry, piece]) : piece;
    this.carry = null;
    let position = this.headerSeen ? 0 : this.readHeader(bytes);
    if (position < 0) {
      this.carry = bytes;
      return true;
    }
    while (position < bytes.length && !this.trailerSeen) {
      const end = this.fields.read(bytes, position);
      if (end < 0) break;
      if (end === 0) {
        this.trailerSeen = true;
        position += 2;
        break;
      }
      this.rows += 1;
      this.lastSeq = rowSeq(bytes, this.fields);
      if (!walk.row(bytes, this.fields, end - position)) return false;
      position = end;
    }
    if (position < bytes.length) this.carry = bytes.subarray(position);
    return true;
  }

  finish(): void {
    if (!this.trailerSeen || this.carry) throw new Error("COPY stream ended before its trailer");
  }

  /** Returns where the rows start, or -1 when the header is not complete yet. */
  private readHeader(bytes: Buffer): number {
    if (bytes.length < copySignature.length + 8) return -1;
    if (!bytes.subarray(0, copySignature.length).equals(copySignature)) throw new Error("not a binary COPY stream");
    const extensionLength = bytes.readUInt32BE(copySignature.length + 4);
    const start = copySignature.length + 8 + extensionLength;
    if (bytes.length < start) return -1;
    this.headerSeen = true;
    return start;
  }
}

export function describeVerification(result: ChainVerification): string {
  const against = result.checkpointsChecked > 0 ? `, ${result.checkpointsChecked} signed checkpoints matched` : "";
  if (result.ok) return `audit chain intact: ${result.checked} records, head seq ${result.headSeq}${against}`;
  const failure = result.firstBreak;
  return `audit chain BROKEN at seq ${failure?.seq}: ${failure?.reason} (${failure?.detail}); ${result.checked} records verified before it`;
}
