import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalRecordJson, chainHash, genesisHash, hashedFields, type HashedAuditRecord } from "./chain";

/** The hash as first defined, through the reference package: what every fast path must equal. */
function referenceChainHash(prevHash: string, record: unknown): string {
  const text = canonicalize(record);
  if (text === undefined) throw new Error("no canonical form");
  return createHash("sha256").update(Buffer.from(prevHash, "hex")).update(text, "utf8").digest("hex");
}

type Outcome = { value: string | undefined } | { error: string };
function outcome(produce: () => string | undefined): Outcome {
  try {
    return { value: produce() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** canonicalJson must return what the package returns, throw what it throws, and refuse "no form". */
function expectSameAsPackage(value: unknown): void {
  const reference = outcome(() => canonicalize(value));
  const actual = outcome(() => canonicalJson(value));
  if ("value" in reference && reference.value === undefined) expect(actual).toEqual({ error: "value has no canonical JSON form" });
  else expect(actual).toEqual(reference);
}

// Strings that exercise every escaping rule: quotes, backslashes, control characters, U+2028,
// DEL, non-ASCII, astral pairs and lone surrogates (which RFC 8785 forbids).
const awkwardCharacter = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  fc.constantFrom('"', "\\", "\u0000", "\b", "\n", "\u001f", "\u007f", "\u2028", "é", "€", "\ud83d\ude00", "/", "\\ud83d"),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
);
const awkwardString = fc.string({ unit: awkwardCharacter, maxLength: 12 });
const jsonScalar = fc.oneof(awkwardString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const jsonDetails = fc.dictionary(awkwardString, fc.oneof(jsonScalar, fc.array(jsonScalar, { maxLength: 4 }), fc.object({ key: awkwardString, values: [jsonScalar], maxDepth: 3 })), {
  maxKeys: 8,
});
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const record: fc.Arbitrary<HashedAuditRecord> = fc.record({
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  occurredAt: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString()),
  actorType: fc.constantFrom("staff", "service", "anonymous"),
  actorId: awkwardString,
  action: awkwardString,
  targetType: nullable(awkwardString),
  targetId: nullable(awkwardString),
  outcome: fc.constantFrom("success", "denied", "failed"),
  correlationId: nullable(awkwardString),
  ip: nullable(awkwardString),
  userAgent: nullable(awkwardString),
  details: jsonDetails,
});
const hashHex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });

describe("canonicalJson is byte-identical to the canonicalize package", () => {
  it("on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
    );
  });

  it("on values with awkward strings and numbers, including ones the package refuses", () => {
    fc.assert(fc.property(fc.object({ key: awkwardString, values: [jsonScalar], maxDepth: 4 }), expectSameAsPackage));
    fc.assert(fc.property(awkwardString, expectSameAsPackage));
  });

  it("on non-JSON values: boxed, dated, sparse, typed, null-prototype, bigint, undefined", () => {
    const anything = fc.anything({
      key: awkwardString,
      withBoxedValues: true,
      withDate: true,
      withSparseArray: true,
      withTypedArray: true,
      withNullPrototype: true,
      withObjectString: true,
      withBigInt: true,
      withMap: true,
      withSet: true,
    });
    fc.assert(fc.property(anything, expectSameAsPackage), { numRuns: 500 });
  });

  it("on the cases a fast path is most likely to get wrong", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = "bottom";
    for (let level = 0; level < 100; level += 1) deep = { level, next: deep };
    const withProto = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown;
    for (const value of [
      { "10": "x", "9": "y", a: 1, "": 0 },
      { toJSON: "not a function", b: [undefined, 1] },
      { toJSON: () => ({ replaced: true }) },
      { a: undefined, b: () => 1, c: Symbol("s") },
      [1, undefined, () => 1],
      { key: "\ud800" },
      { "\udfff": 1 },
      "\\ud83d literal backslash",
      -0,
      1e21,
      5e-324,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      cyclic,
      deep,
      withProto,
      new Date(0),
      undefined,
    ]) {
      expectSameAsPackage(value);
    }
  });
});

describe("canonicalRecordJson", () => {
  it("lists the hashed fields in RFC 8785 order, and all of them", () => {
    expect([...hashedFields]).toEqual([...hashedFields].sort());
    const example: Record<keyof HashedAuditRecord, null> = {
      seq: null,
      occurredAt: null,
      actorType: null,
      actorId: null,
      action: null,
      targetType: null,
      targetId: null,
      outcome: null,
      correlationId: null,
      ip: null,
      userAgent: null,
      details: null,
    };
    expect([...hashedFields]).toEqual(Object.keys(example).sort());
  });

  it("equals the package's output for random records with random details", () => {
    fc.assert(
      fc.property(record, (value) => {
        expect(outcome(() => canonicalRecordJson(value))).toEqual(outcome(() => canonicalize(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it("omits an undefined field as the package does, and reads no property beyond the twelve", () => {
    fc.assert(
      fc.property(record, (value) => {
        const withUndefined = { ...value, ip: undefined } as unknown as HashedAuditRecord;
        expect(outcome(() => canonicalRecordJson(withUndefined))).toEqual(outcome(() => canonicalize(withUndefined)));
        const stored = { ...value, prevHash: "a".repeat(64), hash: "b".repeat(64) };
        expect(outcome(() => canonicalRecordJson(stored))).toEqual(outcome(() => canonicalize(value)));
      }),
    );
  });
});

describe("chainHash", () => {
  const golden: HashedAuditRecord = {
    seq: 42,
    occurredAt: "2025-03-04T05:06:07.089Z",
    actorType: "staff",
    actorId: "0195a3c2-7d1e-7c4b-8f3a-2b9d4e6f1a0c",
    action: "adjustment.approve",
    targetType: "adjustment",
    targetId: "0195a3c2-9e0f-7a1b-8c2d-3e4f5a6b7c8d",
    outcome: "success",
    correlationId: "req-7f3a",
    ip: "203.0.113.7",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
    details: { amount: "1250.00", currency: "EUR", note: 'Zoë’s "goodwill" credit\n😀', approvals: [1, 2.5, -0, 1e21], nested: { b: true, a: null, "10": "x", "9": "y" } },
  };

  it("reproduces hashes computed by the original implementation (the format is unchanged)", () => {
    const prevHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    expect(chainHash(prevHash, golden)).toBe("53e1d8deb2f9c9229eb83fa9da7b7f5f4a975d97ee2de60550be01ddebf81fe3");
    expect(chainHash(genesisHash, { ...golden, seq: 1, details: {} })).toBe("16167090a0422af70dd86735774eca369d79412ec7b221b00da47d559c6c0a99");
  });

  it("equals SHA-256(bytes(prev_hash) || canonical JSON) for random records and links", () => {
    fc.assert(
      fc.property(hashHex, record, (prevHash, value) => {
        expect(outcome(() => chainHash(prevHash, value))).toEqual(outcome(() => referenceChainHash(prevHash, value)));
      }),
      { numRuns: 1000 },
    );
  });

  it("decodes a malformed prev_hash exactly as Buffer.from(prevHash, 'hex') does", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFxyz"), minLength: 62, maxLength: 66 })), (prevHash) => {
        expect(chainHash(prevHash, golden)).toBe(referenceChainHash(prevHash, golden));
      }),
    );
  });

  it("hashes records larger than its scratch buffer the same way", () => {
    const large = { ...golden, details: { text: "ü".repeat(40_000), items: Array.from({ length: 2_000 }, (_, index) => index) } };
    expect(chainHash(genesisHash, large)).toBe(referenceChainHash(genesisHash, large));
  });
});
