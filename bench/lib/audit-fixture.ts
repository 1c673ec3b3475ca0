/**
 * Synthetic but realistic audit chains for benchmarks: a deterministic mix of sign-ins, staff
 * changes, adjustments and verifications, hashed with the production chainHash so every record is
 * one the application itself could have written.
 */
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
import { seededRandom } from "../../lib/seeded-random";
import { canonicalJson, chainHash, genesisHash, type HashedAuditRecord } from "../../server/audit/chain";

export interface ChainedRecord {
  record: HashedAuditRecord;
  prevHash: string;
  hash: string;
}

const userAgents = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
];
const roles = ["support", "finance", "compliance", "admin"];
const currencies = ["EUR", "GBP", "USD", "JPY"];

type Random = () => number;

function uuid(random: Random): string {
  let hex = "";
  for (let index = 0; index < 4; index += 1) hex += Math.floor(random() * 0x100000000).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function choose<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("choose from an empty list");
  return item;
}

type EventBody = Pick<HashedAuditRecord, "actorType" | "actorId" | "action" | "outcome" | "details"> & {
  target: { type: string; id: string } | null;
};

/** Roughly the mix a back office sees: mostly sign-ins and money adjustments, some refusals. */
function eventBody(random: Random, staffIds: readonly string[], seq: number): EventBody {
  const staff = { actorType: "staff" as const, actorId: choose(random, staffIds) };
  const roll = random();
  if (roll < 0.35) {
    return { ...staff, action: "auth.sign_in", outcome: "success", target: null, details: { method: "password", sessionId: uuid(random) } };
  }
  if (roll < 0.45) {
    const details = { reason: "bad_credentials", attempt: 1 + Math.floor(random() * 5) };
    return { actorType: "anonymous", actorId: "anonymous", action: "auth.sign_in", outcome: "failed", target: null, details };
  }
  if (roll < 0.55) {
    const target = { type: "staff", id: choose(random, staffIds) };
    return { ...staff, action: "staff.change_role", outcome: "success", target, details: { from: choose(random, roles), to: choose(random, roles) } };
  }
  const target = { type: "adjustment", id: uuid(random) };
  if (roll < 0.85) {
    const amount = `${Math.floor(random() * 100_000)}.${String(Math.floor(random() * 100)).padStart(2, "0")}`;
    const details = { amount, currency: choose(random, currencies), accountId: uuid(random), reason: "Goodwill credit after a delayed payout", idempotencyKey: uuid(random) };
    return { ...staff, action: random() < 0.5 ? "adjustment.request" : "adjustment.approve", outcome: "success", target, details };
  }
  if (roll < 0.95) return { ...staff, action: "adjustment.approve", outcome: "denied", target, details: { code: "SELF_APPROVAL_FORBIDDEN" } };
  const details = { ok: true, checked: seq - 1, headSeq: seq - 1, firstBreak: null, elapsedMs: Math.floor(random() * 5000) };
  return { actorType: "service", actorId: "worker", action: "audit.verify", outcome: "success", target: { type: "audit_chain", id: "main" }, details };
}

/**
 * Yields a valid chain of `count` records from seq 1, the same on every run. Times advance by a few
 * hundred milliseconds per record from 2025-01-01, so the chain is also in time order.
 */
export function* generateChain(count: number): Generator<ChainedRecord> {
  const random = seededRandom(20250101);
  const staffIds = Array.from({ length: 40 }, () => uuid(random));
  let prevHash = genesisHash;
  let occurredMs = Date.UTC(2025, 0, 1);
  for (let seq = 1; seq <= count; seq += 1) {
    occurredMs += 1 + Math.floor(random() * 500);
    const body = eventBody(random, staffIds, seq);
    const record: HashedAuditRecord = {
      seq,
      occurredAt: new Date(occurredMs).toISOString(),
      actorType: body.actorType,
      actorId: body.actorId,
      action: body.action,
      targetType: body.target?.type ?? null,
      targetId: body.target?.id ?? null,
      outcome: body.outcome,
      correlationId: uuid(random),
      ip: body.actorType === "service" ? null : `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
      userAgent: body.actorType === "service" ? null : choose(random, userAgents),
      details: body.details,
    };
    const hash = chainHash(prevHash, record);
    yield { record, prevHash, hash };
    prevHash = hash;
  }
}

/** COPY text format: backslash escapes for the delimiter, line breaks and backslash; \N is NULL. */
function copyField(value: string | number | null): string {
  if (value === null) return "\\N";
  return String(value).replace(/[\\\t\n\r]/g, (character) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[character] ?? character);
}

function copyLine({ record, prevHash, hash }: ChainedRecord): string {
  const fields = [
    record.seq,
    record.occurredAt,
    record.actorType,
    record.actorId,
    record.action,
    record.targetType,
    record.targetId,
    record.outcome,
    record.correlationId,
    record.ip,
    record.userAgent,
    canonicalJson(record.details), // stored as appendAuditEvent stores it
    prevHash,
    hash,
  ];
  return `${fields.map(copyField).join("\t")}\n`;
}

const copyColumns = "seq, occurred_at, actor_type, actor_id, action, target_type, target_id, outcome, correlation_id, ip, user_agent, details, prev_hash, hash";
const linesPerChunk = 2_000;

/**
 * Streams records into audit_events with COPY, in seq order, so the link-checking trigger sees each
 * predecessor before its successor. Hashing in Node overlaps with PostgreSQL ingesting the last chunk.
 */
export async function copyChain(sql: postgres.Sql, records: Iterable<ChainedRecord>): Promise<number> {
  let loaded = 0;
  function* chunks(): Generator<string> {
    let lines: string[] = [];
    for (const chained of records) {
      lines.push(copyLine(chained));
      loaded += 1;
      if (lines.length === linesPerChunk) {
        yield lines.join("");
        lines = [];
      }
    }
    if (lines.length > 0) yield lines.join("");
  }
  const writable: Writable = await sql.unsafe(`copy audit_events (${copyColumns}) from stdin`).writable();
  await pipeline(Readable.from(chunks()), writable);
  return loaded;
}
