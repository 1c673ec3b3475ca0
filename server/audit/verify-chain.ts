import type { Readable } from "node:stream";
import type postgres from "postgres";
import { chainHash, genesisHash, type HashedAuditRecord } from "./chain";

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

export interface VerifyOptions {
  checkpoints?: readonly CheckpointMark[];
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
export async function verifyRows(rows: AsyncIterable<StoredAuditRow[]>, options: VerifyOptions = {}): Promise<ChainVerification> {
  const started = performance.now();
  const marks = [...(options.checkpoints ?? [])].sort((a, b) => a.seq - b.seq);
  let markIndex = 0;
  let nextMarkSeq = marks[0]?.seq ?? Number.POSITIVE_INFINITY;
  let expectedSeq = 1;
  let previousHash = genesisHash;
  let checked = 0;
  const stop = (failure: ChainBreak | null) => finish(failure === null, checked, expectedSeq - 1, previousHash, failure, markIndex, started);
  for await (const batch of rows) {
    for (const row of batch) {
      const failure = checkRow(row, expectedSeq, previousHash);
      if (failure) return stop(failure);
      checked += 1;
      expectedSeq = row.seq + 1;
      previousHash = row.hash;
      while (row.seq === nextMarkSeq) {
        const mark = marks[markIndex] as CheckpointMark;
        if (mark.hash !== row.hash) {
          return stop({ seq: row.seq, reason: "checkpoint_mismatch", detail: `the hash at seq ${row.seq} differs from the checkpoint signed at ${mark.signedAt}: the chain was rewritten at or before it` });
        }
        markIndex += 1;
        nextMarkSeq = marks[markIndex]?.seq ?? Number.POSITIVE_INFINITY;
      }
    }
  }
  const latest = marks[marks.length - 1];
  if (latest && markIndex < marks.length) {
    return stop({ seq: expectedSeq, reason: "checkpoint_beyond_head", detail: `the chain ends at seq ${expectedSeq - 1}, but a checkpoint signed at ${latest.signedAt} covers seq ${latest.seq}: records were removed from the tail` });
  }
  return stop(null);
}

function checkRow(row: StoredAuditRow, expectedSeq: number, previousHash: string): ChainBreak | null {
  if (row.seq !== expectedSeq) {
    const detail = row.seq > expectedSeq ? `expected seq ${expectedSeq}, found ${row.seq}` : `seq ${row.seq} out of order`;
    return { seq: expectedSeq, reason: "gap", detail };
  }
  if (row.prevHash !== previousHash) {
    return { seq: row.seq, reason: "broken_link", detail: `prev_hash does not equal the hash of seq ${row.seq - 1}` };
  }
  // chainHash reads only the twelve hashed fields, so the row needs no copy without its hashes.
  if (chainHash(row.prevHash, row) !== row.hash) {
    return { seq: row.seq, reason: "hash_mismatch", detail: "stored hash does not match the record's contents" };
  }
  return null;
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

/**
 * Rows per COPY statement. Each chunk is its own short statement, so a long chain never runs into
 * the statement timeout, and an early stop has at most one chunk left to drain.
 */
const chunkRowsMax = 50_000;
/**
 * Received bytes are decoded in pieces of about this size (some 60 rows). Measured: 32 KB pieces
 * decode about 15% cheaper than 512 KB ones, whose strings V8 places in large-object space.
 */
const pieceBytesMin = 32 * 1024;

/**
 * Streams a table with the audit_events layout in sequence order, as batches of rows. The table
 * name is a parameter so tests and investigators can verify a copy; it is checked against a strict
 * identifier pattern. Rows arrive by binary COPY in keyset chunks, which costs PostgreSQL and Node a
 * fraction of a row-by-row result; occurred_at arrives as an exact count of microseconds, so no
 * session setting (DateStyle, TimeZone) can change the ISO 8601 text that is rebuilt and hashed.
 */
export async function* streamAuditRows(sql: postgres.Sql, table = "audit_events"): AsyncGenerator<StoredAuditRow[]> {
  if (!/^[a-z_][a-z0-9_.]{0,126}$/.test(table)) throw new Error(`invalid table name ${table}`);
  let after = 0;
  for (;;) {
    // COPY takes no bind parameters; the keyset bound is inlined, so it must be an exact integer.
    if (!Number.isSafeInteger(after)) throw new Error(`seq ${after} is beyond the exactly representable range`);
    // The casts fix the binary layout the decoder expects, whatever column types a copy was given.
    const query = `copy (select seq::int8, occurred_at::timestamptz, actor_type::text, actor_id::text, action::text,
        target_type::text, target_id::text, outcome::text, correlation_id::text, ip::text, user_agent::text,
        details::jsonb, prev_hash::text, hash::text
        from ${table} where seq > ${after} order by seq limit ${chunkRowsMax}) to stdout with (format binary)`;
    let received = 0;
    for await (const batch of copyRows(sql, query)) {
      received += batch.length;
      after = batch[batch.length - 1]?.seq ?? after;
      yield batch;
    }
    if (received < chunkRowsMax) return;
  }
}

/** Runs one COPY ... TO STDOUT (FORMAT binary) and yields its rows as they are decoded. */
async function* copyRows(sql: postgres.Sql, query: string): AsyncGenerator<StoredAuditRow[]> {
  const inbox = new CopyInbox(await sql.unsafe(query).readable());
  const decoder = new BinaryCopyDecoder();
  try {
    for (let piece = await inbox.next(); piece !== null; piece = await inbox.next()) {
      const rows = decoder.decode(piece);
      if (rows.length > 0) yield rows;
    }
    decoder.finish();
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
const columnCount = 14;
/** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix milliseconds. */
const postgresEpochMs = Date.UTC(2000, 0, 1);
const twoTo32 = 4294967296;
const nonAscii = /[^\x00-\x7f]/;

/**
 * Decodes the binary COPY format (header, then per row a field count and length-prefixed fields)
 * into StoredAuditRows. Bytes may arrive split anywhere; an incomplete row is kept for the next
 * piece. Each piece is turned into one latin1 string and text fields are sliced from it; only a
 * field that is not pure ASCII is decoded as UTF-8 on its own.
 */
class BinaryCopyDecoder {
  private headerSeen = false;
  private trailerSeen = false;
  private carry: Buffer | null = null;

  decode(piece: Buffer): StoredAuditRow[] {
    const bytes = this.carry ? Buffer.concat([this.carry, piece]) : piece;
    this.carry = null;
    let position = this.headerSeen ? 0 : this.readHeader(bytes);
    if (position < 0) {
      this.carry = bytes;
      return [];
    }
    const reader = new FieldReader(bytes, bytes.toString("latin1"));
    const rows: StoredAuditRow[] = [];
    while (position < bytes.length && !this.trailerSeen) {
      const end = rowEnd(bytes, position);
      if (end < 0) break;
      if (end === position + 2) {
        this.trailerSeen = true;
      } else {
        rows.push(reader.row(position));
      }
      position = end;
    }
    if (position < bytes.length) this.carry = bytes.subarray(position);
    return rows;
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

/** The offset just past the row (or trailer) at position, or -1 when it is incomplete. */
function rowEnd(bytes: Buffer, position: number): number {
  if (bytes.length - position < 2) return -1;
  const fields = bytes.readInt16BE(position);
  if (fields === -1) return position + 2;
  if (fields !== columnCount) throw new Error(`COPY row has ${fields} fields, expected ${columnCount}`);
  let cursor = position + 2;
  for (let field = 0; field < columnCount; field += 1) {
    if (bytes.length - cursor < 4) return -1;
    const length = bytes.readInt32BE(cursor);
    cursor += 4 + Math.max(length, 0);
    if (cursor > bytes.length) return -1;
  }
  return cursor;
}

/**
 * Reads the fields of one complete row in order (see the COPY query for columns and types). A NULL
 * where the application never writes one (possible in a copy) is passed on as null, as the row-by-
 * row query did, so that the row fails the sequence or hash check instead of aborting the walk.
 */
class FieldReader {
  private cursor = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly latin1: string,
  ) {}

  row(position: number): StoredAuditRow {
    this.cursor = position + 2;
    const row = {
      seq: this.int64() ?? 0,
      occurredAt: this.timestamp(),
      actorType: this.string(),
      actorId: this.string(),
      action: this.string(),
      targetType: this.string(),
      targetId: this.string(),
      outcome: this.string(),
      correlationId: this.string(),
      ip: this.string(),
      userAgent: this.string(),
      details: this.jsonb(),
      prevHash: this.string(),
      hash: this.string(),
    };
    return row as StoredAuditRow;
  }

  /** Advances past one field and returns where its value starts, or -1 for NULL. */
  private field(): number {
    const length = this.bytes.readInt32BE(this.cursor);
    this.cursor += 4;
    if (length < 0) return -1;
    this.cursor += length;
    return this.cursor - length;
  }

  private string(): string | null {
    const start = this.field();
    return start < 0 ? null : this.utf8(start, this.cursor);
  }

  /** The latin1 view equals UTF-8 for ASCII, and slicing it is far cheaper than decoding. */
  private utf8(start: number, end: number): string {
    const ascii = this.latin1.slice(start, end);
    return nonAscii.test(ascii) ? this.bytes.toString("utf8", start, end) : ascii;
  }

  private int64(): number | null {
    const start = this.field();
    return start < 0 ? null : readInt64(this.bytes, start);
  }

  private timestamp(): string | null {
    const start = this.field();
    return start < 0 ? null : isoFromPostgresMicros(this.bytes, start);
  }

  /** jsonb's binary form is a version byte, 1, followed by the JSON text. */
  private jsonb(): Record<string, unknown> | null {
    const start = this.field();
    if (start < 0) return null;
    if (this.bytes[start] !== 1) throw new Error(`unsupported jsonb format version ${this.bytes[start]}`);
    return JSON.parse(this.utf8(start + 1, this.cursor)) as Record<string, unknown>;
  }
}

function readInt64(bytes: Buffer, offset: number): number {
  return bytes.readInt32BE(offset) * twoTo32 + bytes.readUInt32BE(offset + 4);
}

/**
 * The millisecond of a timestamptz (microseconds since 2000-01-01 UTC) as ISO 8601, the form the
 * writer hashed. Integer arithmetic keeps it exact: floor division, with BigInt beyond ±2^53 µs
 * (about 285 years from 2000, never written by the application). 'infinity' keeps its SQL name.
 */
function isoFromPostgresMicros(bytes: Buffer, offset: number): string {
  if (Math.abs(bytes.readInt32BE(offset)) < 0x200000) {
    const micros = readInt64(bytes, offset);
    return isoFromUnixMs(postgresEpochMs + (micros - (((micros % 1000) + 1000) % 1000)) / 1000);
  }
  const micros = bytes.readBigInt64BE(offset);
  if (micros === 0x7fffffffffffffffn) return "infinity";
  if (micros === -0x8000000000000000n) return "-infinity";
  return isoFromUnixMs(postgresEpochMs + Number((micros - (((micros % 1000n) + 1000n) % 1000n)) / 1000n));
}

/**
 * Date#toISOString is a large share of decoding, and a chain is in time order, so consecutive
 * records usually share their minute: that prefix ("2025-01-01T09:30:") is cached and only the
 * seconds and milliseconds are formatted. Years outside 0000-9999 take the full path.
 */
let cachedMinute = Number.NaN;
let cachedMinutePrefix = "";
const yearZeroMs = Date.parse("0000-01-01T00:00:00.000Z");
const yearTenThousandMs = Date.parse("+010000-01-01T00:00:00.000Z");

function isoFromUnixMs(unixMs: number): string {
  const minute = Math.floor(unixMs / 60_000);
  if (minute !== cachedMinute) {
    const date = new Date(unixMs);
    if (Number.isNaN(date.getTime())) return "out of range";
    const iso = date.toISOString();
    if (unixMs < yearZeroMs || unixMs >= yearTenThousandMs) return iso;
    cachedMinute = minute;
    cachedMinutePrefix = iso.slice(0, 17);
    return iso;
  }
  const withinMinuteMs = unixMs - minute * 60_000;
  const seconds = Math.floor(withinMinuteMs / 1000);
  const milliseconds = withinMinuteMs - seconds * 1000;
  return `${cachedMinutePrefix}${seconds < 10 ? "0" : ""}${seconds}.${milliseconds < 10 ? "00" : milliseconds < 100 ? "0" : ""}${milliseconds}Z`;
}

export function describeVerification(result: ChainVerification): string {
  const against = result.checkpointsChecked > 0 ? `, ${result.checkpointsChecked} signed checkpoints matched` : "";
  if (result.ok) return `audit chain intact: ${result.checked} records, head seq ${result.headSeq}${against}`;
  const failure = result.firstBreak;
  return `audit chain BROKEN at seq ${failure?.seq}: ${failure?.reason} (${failure?.detail}); ${result.checked} records verified before it`;
}
