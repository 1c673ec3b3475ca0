/**
 * Audit rows encoded as PostgreSQL's binary COPY stream with the verifier's column list, so the
 * COPY decoding and the direct canonical bytes can be tested without a server. details is written
 * as appendAuditEvent stores it, its canonical JSON, by default; a test can pass its own text
 * instead, such as jsonb's (jsonbStyleText), which rows written before migration 0012 hold.
 */
import { canonicalJson, chainHash, genesisHash, type HashedAuditRecord } from "@/server/audit/chain";
import type { StoredAuditRow } from "@/server/audit/verify-chain";

const signature = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const postgresEpochMs = Date.UTC(2000, 0, 1);

export type DetailsText = (details: unknown) => string;

/** A header, the rows and the trailer, as one COPY ... TO STDOUT (FORMAT binary) sends them. */
export function encodeCopyStream(rows: readonly StoredAuditRow[], detailsText: DetailsText = canonicalJson): Buffer {
  const header = Buffer.alloc(signature.length + 8);
  signature.copy(header);
  return Buffer.concat([header, ...rows.map((row) => encodeCopyRow(row, detailsText)), Buffer.from([0xff, 0xff])]);
}

export function encodeCopyRow(row: StoredAuditRow, detailsText: DetailsText = canonicalJson): Buffer {
  const values: (Buffer | null)[] = [
    int64(row.seq),
    row.occurredAt === null ? null : int64((Date.parse(row.occurredAt) - postgresEpochMs) * 1000),
    text(row.actorType),
    text(row.actorId),
    text(row.action),
    text(row.targetType),
    text(row.targetId),
    text(row.outcome),
    text(row.correlationId),
    text(row.ip),
    text(row.userAgent),
    row.details === null ? null : Buffer.from(detailsText(row.details), "utf8"),
    text(row.prevHash),
    text(row.hash),
  ];
  const parts: Buffer[] = [Buffer.from([0, values.length])];
  for (const value of values) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(value === null ? -1 : value.length);
    parts.push(length);
    if (value) parts.push(value);
  }
  return Buffer.concat(parts);
}

function int64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(value));
  return bytes;
}

function text(value: string | null): Buffer | null {
  return value === null ? null : Buffer.from(value, "utf8");
}

/**
 * JSON text as PostgreSQL prints a jsonb value: object keys ordered by length and then by bytes
 * (not RFC 8785's order), ", " and ": " between items, strings escaped as JSON.stringify does.
 */
export function jsonbStyleText(value: unknown, spellNumber: (value: number) => string = JSON.stringify): string {
  if (Array.isArray(value)) return `[${value.map((item) => jsonbStyleText(item, spellNumber)).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonbStyleText((value as Record<string, unknown>)[key], spellNumber)}`).join(", ")}}`;
  }
  return typeof value === "number" ? spellNumber(value) : JSON.stringify(value);
}

/** A valid chain from seq 1, each record hashed over its predecessor as appendAuditEvent does. */
export function buildStoredChain(count: number, record: (seq: number) => Omit<HashedAuditRecord, "seq">): StoredAuditRow[] {
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
