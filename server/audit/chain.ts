import { createHash, hash } from "node:crypto";
import canonicalize from "canonicalize";

/** The hash a chain starts from: seq 1 links to 32 zero bytes. */
export const genesisHash = "0".repeat(64);

export type AuditActorType = "staff" | "service" | "anonymous";
export type AuditOutcome = "success" | "denied" | "failed";

/**
 * Exactly the fields that are hashed, in the shape any independent tool rebuilds from a row:
 * hash = SHA-256( bytes(prev_hash) || UTF-8( RFC 8785 canonical JSON of this object ) ).
 * occurredAt is the ISO 8601 UTC form with milliseconds; absent optional fields are null.
 * details is JSON.parse of the text column audit_events.details, which appendAuditEvent fills with
 * canonicalJson(details), so for new rows the column holds exactly the bytes hashed for that member.
 * A text with a number that a double does not hold exactly does not verify (exact-json.ts).
 */
export interface HashedAuditRecord {
  seq: number;
  occurredAt: string;
  actorType: AuditActorType;
  actorId: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  correlationId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/**
 * RFC 8785 canonical JSON, byte for byte what the `canonicalize` package produces. Verifying a
 * chain re-serialises every record, so plain JSON data takes a fast path; anything unusual (a
 * lone surrogate, a non-finite number, toJSON, an undefined array item, deep nesting or a cycle)
 * is handed to the package itself, so its output and its errors stay the reference. chain.test.ts
 * proves identity, with property tests over random values and records.
 */
export function canonicalJson(value: unknown): string {
  const text = fastCanonicalJson(value, 0) ?? canonicalize(value);
  if (text === undefined) throw new Error("value has no canonical JSON form");
  return text;
}

/** Nesting beyond this goes to the package, which also detects cycles. */
const fastDepthMax = 32;

/** Canonical JSON of plain JSON data, or undefined when the package must decide. */
function fastCanonicalJson(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      // For finite numbers JSON.stringify, and so RFC 8785, is exactly ECMAScript ToString.
      return Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (depth >= fastDepthMax) return undefined;
      return Array.isArray(value) ? fastArray(value, depth) : fastObject(value, depth);
    default:
      return undefined;
  }
}

/** No quote, backslash, control character or surrogate: JSON.stringify would add only the quotes. */
const plainString = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * JSON.stringify is what the package uses for strings, but it escapes a lone surrogate where the
 * package refuses one. Every such escape starts with "\ud", so output containing that goes to the
 * package (a literal backslash followed by "ud" also lands there, harmlessly). Most strings need
 * no escaping at all, and a regular expression says so faster than JSON.stringify can.
 */
function quote(text: string): string | undefined {
  if (plainString.test(text)) return `"${text}"`;
  const quoted = JSON.stringify(text);
  return quoted.includes("\\ud") ? undefined : quoted;
}

function fastArray(items: readonly unknown[], depth: number): string | undefined {
  let text = "[";
  for (let index = 0; index < items.length; index += 1) {
    const item = fastCanonicalJson(items[index], depth + 1);
    if (item === undefined) return undefined;
    text += index === 0 ? item : `,${item}`;
  }
  return `${text}]`;
}

/** Like the package, any object without toJSON is serialised through its own enumerable keys. */
function fastObject(object: object, depth: number): string | undefined {
  const record = object as Record<string, unknown>;
  if (typeof record.toJSON === "function") return undefined;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
  const keys = Object.keys(record).sort();
  let text = "{";
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue; // the package omits undefined members too
    const name = quote(key);
    const json = fastCanonicalJson(member, depth + 1);
    if (name === undefined || json === undefined) return undefined;
    text += text.length === 1 ? `${name}:${json}` : `,${name}:${json}`;
  }
  return `${text}}`;
}

/** The hashed field names in RFC 8785 order (UTF-16 code units); chain.test.ts checks both. */
export const hashedFields = [
  "action",
  "actorId",
  "actorType",
  "correlationId",
  "details",
  "ip",
  "occurredAt",
  "outcome",
  "seq",
  "targetId",
  "targetType",
  "userAgent",
] as const satisfies readonly (keyof HashedAuditRecord)[];

const memberPrefixes = hashedFields.map((field, index) => `${index === 0 ? "{" : ","}"${field}":`);

/**
 * Canonical JSON of a record's twelve hashed fields. Their names are fixed, so their order is too
 * and only the values need serialising. Other properties (a stored row's prevHash and hash, say)
 * are not part of the record and are never read. An undefined or exotic value takes the package's
 * path on exactly the twelve fields, which omits an undefined member as RFC 8785 tooling does.
 */
export function canonicalRecordJson(record: HashedAuditRecord): string {
  let text = "";
  for (let index = 0; index < hashedFields.length; index += 1) {
    const field = hashedFields[index] as (typeof hashedFields)[number];
    const json = fastCanonicalJson(record[field], 1);
    if (json === undefined) return canonicalJson(pickHashedFields(record));
    text += memberPrefixes[index] + json;
  }
  return `${text}}`;
}

function pickHashedFields(record: HashedAuditRecord): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of hashedFields) picked[field] = record[field];
  return picked;
}

/** Reused for every hash on this thread: hashing one contiguous buffer avoids a Hash object. */
const scratch = Buffer.allocUnsafe(64 * 1024);
const utf8BytesPerUnitMax = 3;

export function chainHash(prevHash: string, record: HashedAuditRecord): string {
  return linkHash(prevHash, canonicalRecordJson(record));
}

/**
 * SHA-256( bytes(prevHash) || UTF-8(canonical) ). Writing both into one scratch buffer and using
 * the one-shot crypto.hash is about twice as fast as createHash().update().update().digest().
 * Buffer#write with "hex" is the very decoder Buffer.from(prevHash, "hex") uses, so even a
 * malformed prev_hash yields the same bytes; input too big for the scratch buffer streams instead.
 */
function linkHash(prevHash: string, canonical: string): string {
  if ((prevHash.length >>> 1) + canonical.length * utf8BytesPerUnitMax <= scratch.length) {
    const prevLength = scratch.write(prevHash, 0, "hex");
    const length = prevLength + scratch.write(canonical, prevLength, "utf8");
    return hash("sha256", new Uint8Array(scratch.buffer, scratch.byteOffset, length), "hex");
  }
  return createHash("sha256").update(Buffer.from(prevHash, "hex")).update(canonical, "utf8").digest("hex");
}
