import { isUtf8 } from "node:buffer";
import { copyCanonicalJsonText, writeCanonicalJsonText } from "./canonical-json-text";
import { canonicalJson, canonicalRecordJson, hashedFields, type HashedAuditRecord } from "./chain";
import { parseExactJson } from "./exact-json";

/**
 * One row of audit_events as binary COPY sends it, and the bytes its hash covers built straight
 * from those fields. The COPY query, the field order and the canonical member order all derive
 * from the column list below.
 */
type ColumnKind = "int8" | "timestamp" | "text" | "json";

const columns = [
  { sql: "seq::int8", kind: "int8", field: "seq" },
  { sql: "occurred_at::timestamptz", kind: "timestamp", field: "occurredAt" },
  { sql: "actor_type::text", kind: "text", field: "actorType" },
  { sql: "actor_id::text", kind: "text", field: "actorId" },
  { sql: "action::text", kind: "text", field: "action" },
  { sql: "target_type::text", kind: "text", field: "targetType" },
  { sql: "target_id::text", kind: "text", field: "targetId" },
  { sql: "outcome::text", kind: "text", field: "outcome" },
  { sql: "correlation_id::text", kind: "text", field: "correlationId" },
  { sql: "ip::text", kind: "text", field: "ip" },
  { sql: "user_agent::text", kind: "text", field: "userAgent" },
  { sql: "details::text", kind: "json", field: "details" },
  { sql: "prev_hash::text", kind: "text", field: null },
  { sql: "hash::text", kind: "text", field: null },
] as const satisfies readonly { sql: string; kind: ColumnKind; field: keyof HashedAuditRecord | null }[];

export const columnCount = columns.length;
export const seqColumn = 0;
export const prevHashColumn = 12;
export const hashColumn = 13;

/** The casts fix the binary layout the decoder expects, whatever column types a copy was given. */
export const copySelectList = columns.map((column) => column.sql).join(", ");

/** Where each field of the current row starts in the piece, or -1 for NULL, and its length. */
export class RowFields {
  readonly starts = new Int32Array(columnCount);
  readonly lengths = new Int32Array(columnCount);

  /**
   * Reads the field table of the row at position and returns the offset just past it, -1 when the
   * row is not complete in bytes yet, or 0 for the end-of-data trailer.
   */
  read(bytes: Buffer, position: number): number {
    if (bytes.length - position < 2) return -1;
    const fields = bytes.readInt16BE(position);
    if (fields === -1) return 0;
    if (fields !== columnCount) throw new Error(`COPY row has ${fields} fields, expected ${columnCount}`);
    let cursor = position + 2;
    for (let field = 0; field < columnCount; field += 1) {
      if (bytes.length - cursor < 4) return -1;
      const length = bytes.readInt32BE(cursor);
      cursor += 4;
      this.starts[field] = length < 0 ? -1 : cursor;
      this.lengths[field] = length;
      if (length > 0) cursor += length;
      if (cursor > bytes.length) return -1;
    }
    return cursor;
  }
}

/** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix milliseconds. */
const postgresEpochMs = Date.UTC(2000, 0, 1);
const twoTo32 = 4294967296;

function readInt64(bytes: Buffer, offset: number): number {
  return bytes.readInt32BE(offset) * twoTo32 + bytes.readUInt32BE(offset + 4);
}

/** The row's seq; a NULL (possible in a copy) reads as 0, which no chain position equals. */
export function rowSeq(bytes: Buffer, fields: RowFields): number {
  const start = fields.starts[seqColumn] as number;
  return start < 0 ? 0 : readInt64(bytes, start);
}

/** A text field as a JS string (null for NULL), decoded as UTF-8 like any PostgreSQL client would. */
export function rowText(bytes: Buffer, fields: RowFields, column: number): string | null {
  const start = fields.starts[column] as number;
  return start < 0 ? null : bytes.toString("utf8", start, start + (fields.lengths[column] as number));
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

function isoFromUnixMs(unixMs: number): string {
  const date = new Date(unixMs);
  return Number.isNaN(date.getTime()) ? "out of range" : date.toISOString();
}

/**
 * The hashed record as JS values, decoded the way the row-by-row verifier always did. It is the
 * reference the byte path below must equal, and the path any unusual row takes.
 */
export function decodeRecord(bytes: Buffer, fields: RowFields): HashedAuditRecord {
  const record: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    if (column.field === null) return;
    const start = fields.starts[index] as number;
    const end = start + (fields.lengths[index] as number);
    if (column.kind === "int8") record[column.field] = rowSeq(bytes, fields);
    else if (start < 0) record[column.field] = null;
    else if (column.kind === "timestamp") record[column.field] = isoFromPostgresMicros(bytes, start);
    else if (column.kind === "json") record[column.field] = parseExactJson(bytes.toString("utf8", start, end));
    else record[column.field] = bytes.toString("utf8", start, end);
  });
  return record as unknown as HashedAuditRecord;
}

const quoteByte = 0x22;
const backslashByte = 0x5c;
const spaceByte = 0x20;

/** Member names with their punctuation, in canonical order: `{"action":`, `,"actorId":`, … */
const memberPrefixes = hashedFields.map((field, index) => Buffer.from(`${index === 0 ? "{" : ","}"${field}":`, "latin1"));
const memberColumns = hashedFields.map((field) => columns.findIndex((column) => column.field === field));
const memberKinds = memberColumns.map((column) => (columns[column] as (typeof columns)[number]).kind);
const nullBytes = Buffer.from("null", "latin1");

/**
 * Writes UTF-8( RFC 8785 canonical JSON of the row's hashed record ) at out[offset] and returns its
 * length, or -1 when the row needs the reference path (decodeRecord + canonicalRecordJson).
 *
 * The twelve member names are fixed and sorted, so the JSON is constant fragments around values.
 * A text value whose bytes hold no quote, backslash or control byte is exactly the quoted string
 * JSON.stringify (and so RFC 8785) would write, non-ASCII included when it is valid UTF-8; anything
 * else takes the reference path. details is JSON text: canonical as appendAuditEvent stores it,
 * and then copied as it is once checked; any other JSON text (jsonb's, in rows written before
 * migration 0012) is canonicalised.
 */
export function writeCanonicalRecord(out: Buffer, offset: number, bytes: Buffer, fields: RowFields): number {
  let cursor = offset;
  for (let member = 0; member < memberPrefixes.length; member += 1) {
    cursor = copyBytes(memberPrefixes[member] as Buffer, out, cursor);
    const column = memberColumns[member] as number;
    const start = fields.starts[column] as number;
    const kind = memberKinds[member];
    if (kind === "int8") {
      cursor = writeInteger(rowSeq(bytes, fields), out, cursor);
      continue;
    }
    if (start < 0) {
      cursor = copyBytes(nullBytes, out, cursor);
      continue;
    }
    const end = start + (fields.lengths[column] as number);
    if (kind === "text") cursor = writePlainString(bytes, start, end, out, cursor);
    else if (kind === "timestamp") cursor = writeTimestamp(bytes, start, out, cursor);
    else cursor = writeDetails(bytes, start, end, out, cursor);
    if (cursor < 0) return -1;
  }
  out[cursor] = 0x7d; // }
  return cursor + 1 - offset;
}

function copyBytes(source: Uint8Array, out: Buffer, cursor: number): number {
  for (let index = 0; index < source.length; index += 1) out[cursor + index] = source[index] as number;
  return cursor + source.length;
}

function writeAscii(text: string, out: Buffer, cursor: number): number {
  return cursor + out.write(text, cursor, "latin1");
}

const digitZero = 0x30;

/** A non-negative safe integer's digits are its ECMAScript ToString; anything else goes through String. */
function writeInteger(value: number, out: Buffer, cursor: number): number {
  if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) return writeAscii(String(value), out, cursor);
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  let rest = value;
  for (let index = cursor + digits - 1; index >= cursor; index -= 1) {
    out[index] = digitZero + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return cursor + digits;
}

/**
 * A chain is in time order, so consecutive records usually share their minute: its quoted ISO
 * prefix ('"2025-01-01T09:30:') is cached and only seconds and milliseconds are written. Other
 * minutes, years outside 0000-9999 and the infinities take Date#toISOString.
 */
let cachedMinute = Number.NaN;
const cachedMinutePrefix = Buffer.alloc(18);
const yearZeroMs = Date.parse("0000-01-01T00:00:00.000Z");
const yearTenThousandMs = Date.parse("+010000-01-01T00:00:00.000Z");

function writeTimestamp(bytes: Buffer, start: number, out: Buffer, cursor: number): number {
  if (Math.abs(bytes.readInt32BE(start)) >= 0x200000) return writeAscii(`"${isoFromPostgresMicros(bytes, start)}"`, out, cursor);
  const micros = readInt64(bytes, start);
  const unixMs = postgresEpochMs + (micros - (((micros % 1000) + 1000) % 1000)) / 1000;
  const minute = Math.floor(unixMs / 60_000);
  if (minute !== cachedMinute) {
    const iso = isoFromUnixMs(unixMs);
    if (unixMs >= yearZeroMs && unixMs < yearTenThousandMs) {
      cachedMinute = minute;
      cachedMinutePrefix.write(`"${iso.slice(0, 17)}`, 0, "latin1");
    }
    return writeAscii(`"${iso}"`, out, cursor);
  }
  const withinMinuteMs = unixMs - minute * 60_000;
  let target = copyBytes(cachedMinutePrefix, out, cursor);
  target = writeTwoDigits(Math.floor(withinMinuteMs / 1000), out, target);
  out[target] = 0x2e; // .
  const milliseconds = withinMinuteMs % 1000;
  out[target + 1] = digitZero + Math.floor(milliseconds / 100);
  writeTwoDigits(milliseconds % 100, out, target + 2);
  out[target + 4] = 0x5a; // Z
  out[target + 5] = quoteByte;
  return target + 6;
}

function writeTwoDigits(value: number, out: Buffer, cursor: number): number {
  out[cursor] = digitZero + Math.floor(value / 10);
  out[cursor + 1] = digitZero + (value % 10);
  return cursor + 2;
}

/**
 * Copies a text field quoted, or returns -1 when it needs escaping or is not valid UTF-8. A byte
 * loop: measured faster than Buffer#copy and a regular expression for fields of this size.
 */
function writePlainString(bytes: Buffer, start: number, end: number, out: Buffer, cursor: number): number {
  out[cursor] = quoteByte;
  let target = cursor + 1;
  let high = 0;
  for (let index = start; index < end; index += 1) {
    const byte = bytes[index] as number;
    if (byte < spaceByte || byte === quoteByte || byte === backslashByte) return -1;
    high |= byte;
    out[target] = byte;
    target += 1;
  }
  if (high > 0x7f && !isUtf8(bytes.subarray(start, end))) return -1;
  out[target] = quoteByte;
  return target + 1;
}

/**
 * details: copied when it is canonical already, else written canonically from its bytes where the
 * direct path can, else parsed and serialised by canonicalJson. Text that is not JSON, or would
 * not fit, is left to the reference path, which reports or streams it.
 */
function writeDetails(bytes: Buffer, start: number, end: number, out: Buffer, cursor: number): number {
  const copied = copyCanonicalJsonText(bytes, start, end, out, cursor);
  if (copied >= 0) return copied;
  const written = writeCanonicalJsonText(bytes, start, end, out, cursor);
  if (written >= 0) return written;
  let text: string;
  try {
    text = canonicalJson(parseExactJson(bytes.toString("utf8", start, end)));
  } catch {
    return -1;
  }
  if (cursor + Buffer.byteLength(text, "utf8") > out.length) return -1;
  return cursor + out.write(text, cursor, "utf8");
}

/** The reference path: the record decoded to JS values and serialised by canonicalRecordJson. */
export function referenceCanonicalRecord(bytes: Buffer, fields: RowFields): string {
  return canonicalRecordJson(decodeRecord(bytes, fields));
}
