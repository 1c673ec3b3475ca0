import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeCopyRow, jsonbStyleText, type DetailsText } from "@/test/support/binary-copy";
import { copyCanonicalJsonText, writeCanonicalJsonText } from "./canonical-json-text";
import { canonicalJson, canonicalRecordJson, type HashedAuditRecord } from "./chain";
import { referenceCanonicalRecord, RowFields, writeCanonicalRecord } from "./copy-row";
import type { StoredAuditRow } from "./verify-chain";

// Strings that exercise every escaping rule: quotes, backslashes, control characters, DEL,
// U+2028, non-ASCII, astral pairs (PostgreSQL text is valid UTF-8, so no lone surrogates).
const awkwardCharacter = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  fc.constantFrom('"', "\\", "\u0000", "\b", "\t", "\n", "\f", "\r", "\u001f", "\u007f", "\u2028", "é", "€", "\ud83d\ude00", "/", "\uffff", "\ue000"),
);
const awkwardString = fc.string({ unit: awkwardCharacter, maxLength: 12 });
const plainKey = fc.string({ unit: fc.constantFrom(..."abcAB_ -!~0129"), maxLength: 6 });
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e21, 5e-324, 123456789012345, 1234567890123456, 0.1));
const scalar = fc.oneof(awkwardString, number, fc.boolean(), fc.constant(null));
const details = fc.dictionary(fc.oneof(plainKey, awkwardString), fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.object({ key: fc.oneof(plainKey, awkwardString), values: [scalar], maxDepth: 3 })), {
  maxKeys: 8,
});
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const hashHex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
const storedRow: fc.Arbitrary<StoredAuditRow> = fc.record({
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  occurredAt: fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString()),
  actorType: fc.constantFrom("staff", "service", "anonymous"),
  actorId: awkwardString,
  action: awkwardString,
  targetType: nullable(awkwardString),
  targetId: nullable(awkwardString),
  outcome: fc.constantFrom("success", "denied", "failed"),
  correlationId: nullable(awkwardString),
  ip: nullable(awkwardString),
  userAgent: nullable(awkwardString),
  details,
  prevHash: hashHex,
  hash: hashHex,
});

/** Numbers as jsonb may print them: 1.5 as 1.50, integers as 1.0 or with an exponent. */
const numberSpellings: DetailsText = (value) => jsonbStyleText(value, respell);

function respell(value: number): string {
  const [mantissa = "", exponent] = JSON.stringify(value).split("e");
  const longer = mantissa.includes(".") ? `${mantissa}0` : `${mantissa}.0`;
  return exponent === undefined ? longer : `${longer}e${exponent}`;
}

/** The fields of one encoded row, read the way the verifier reads a piece. */
function readRow(row: StoredAuditRow, detailsText?: DetailsText): { bytes: Buffer; fields: RowFields } {
  const bytes = encodeCopyRow(row, detailsText);
  const fields = new RowFields();
  expect(fields.read(bytes, 0)).toBe(bytes.length);
  return { bytes, fields };
}

/** The canonical record the direct path writes, or null when it declines the row. */
function direct(bytes: Buffer, fields: RowFields): string | null {
  const out = Buffer.alloc(64 * 1024);
  const length = writeCanonicalRecord(out, 32, bytes, fields);
  return length < 0 ? null : out.toString("utf8", 32, 32 + length);
}

describe("writeCanonicalRecord: canonical bytes straight from a binary COPY row", () => {
  it("equals canonicalRecordJson of the record whenever it writes, for random records", () => {
    fc.assert(
      // details as appendAuditEvent stores it (canonical), as jsonb printed it before migration 0012,
      // and with numbers spelled as jsonb may spell them.
      fc.property(storedRow, fc.constantFrom<DetailsText>(canonicalJson, jsonbStyleText, numberSpellings), (row, spell) => {
        const { bytes, fields } = readRow(row, spell);
        const expected = canonicalRecordJson(row);
        expect(referenceCanonicalRecord(bytes, fields)).toBe(expected);
        const written = direct(bytes, fields);
        if (written !== null) expect(written).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  const plain: StoredAuditRow = {
    seq: 1234567,
    occurredAt: "2025-03-04T05:06:07.089Z",
    actorType: "staff",
    actorId: "0195a3c2-7d1e-7c4b-8f3a-2b9d4e6f1a0c",
    action: "adjustment.approve",
    targetType: "adjustment",
    targetId: null,
    outcome: "success",
    correlationId: "req-7f3a",
    ip: "203.0.113.7",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
    details: { currency: "EUR", amount: "1250.00", attempt: 3, nested: { b: [1, true, null, "x"], a: {}, "10": "ten", "9": "nine" }, list: [] },
    prevHash: "a".repeat(64),
    hash: "b".repeat(64),
  };

  it("writes plain rows itself, including non-ASCII text, nested details and seconds past the cached minute", () => {
    for (const row of [
      plain,
      { ...plain, actorId: "Zoë Œ 😀 \u2028 \u007f", details: { note: "naïve “quoted” 😀" } },
      { ...plain, occurredAt: "2025-03-04T05:06:59.999Z" },
      { ...plain, occurredAt: "2025-03-04T05:07:00.000Z" },
      { ...plain, occurredAt: "1969-12-31T23:59:59.999Z" },
      { ...plain, details: { amount: 1.5, big: 1e21, tiny: 5e-324, negative: -42, zero: 0 } },
    ]) {
      const { bytes, fields } = readRow(row, numberSpellings);
      expect(direct(bytes, fields)).toBe(canonicalRecordJson(row));
    }
  });

  it("declines a text field that needs escaping, so the reference path writes it", () => {
    for (const actorId of ['say "hi"', "back\\slash", "line\nbreak", "tab\t", "\u0001"]) {
      const row = { ...plain, actorId };
      const { bytes, fields } = readRow(row);
      expect(direct(bytes, fields)).toBeNull();
      expect(referenceCanonicalRecord(bytes, fields)).toBe(canonicalRecordJson(row));
    }
  });

  it("reads NULL where the application never writes one as null, and a NULL seq as 0", () => {
    const row = { ...plain, actorType: null, occurredAt: null, details: null } as unknown as StoredAuditRow;
    const { bytes, fields } = readRow(row);
    const expected = canonicalRecordJson(row as HashedAuditRecord);
    expect(direct(bytes, fields)).toBe(expected);
    expect(expected).toContain('"actorType":null');
  });
});

describe("writeCanonicalJsonText: RFC 8785 from jsonb's text", () => {
  function written(text: string): string | null {
    const source = Buffer.from(text, "utf8");
    const out = Buffer.alloc(source.length * 6 + 64);
    const length = writeCanonicalJsonText(source, 0, source.length, out, 0);
    return length < 0 ? null : out.toString("utf8", 0, length);
  }

  it("equals canonicalJson(JSON.parse(text)) whenever it writes, for random values however spelled", () => {
    const value = fc.oneof(details, fc.jsonValue(), fc.array(details));
    fc.assert(
      fc.property(value, fc.constantFrom(jsonbStyleText, numberSpellings, (v: unknown) => JSON.stringify(v), (v: unknown) => JSON.stringify(v, null, 2)), (candidate, spell) => {
        const text = spell(candidate);
        const output = written(text);
        if (output !== null) expect(output).toBe(canonicalJson(JSON.parse(text)));
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it("sorts keys in UTF-16 order, a key before any longer key it begins", () => {
    expect(written('{"b": 1, "a!": 2, "a": 3, "A": 4, "": 5, "10": 6, "9": 7}')).toBe('{"":5,"10":6,"9":7,"A":4,"a":3,"a!":2,"b":1}');
  });

  it("declines what it cannot prove identical: escaped or non-ASCII keys, unusual escapes, duplicates, non-finite numbers", () => {
    for (const text of ['{"a\\"b": 1}', '{"é": 1}', '"\\u00e9"', '"\\/"', '"\\u0008"', '"\\u001F"', '{"a": 1, "a": 2}', "1e400", "[1,]", '{"a" 1}', "tru", "nul"]) {
      expect(written(text)).toBeNull();
    }
    const invalidUtf8 = Buffer.from([0x22, 0xc3, 0x28, 0x22]);
    expect(writeCanonicalJsonText(invalidUtf8, 0, invalidUtf8.length, Buffer.alloc(64), 0)).toBe(-1);
  });

  it("copies what it can: escapes as JSON.stringify writes them, non-ASCII strings, nested arrays", () => {
    const text = '{"note": "tab\\t \\"q\\" \\\\ \\u001f Zoë 😀", "list": [[], [1, [2.50, {"z": null, "y": false}]]]}';
    expect(written(text)).toBe(canonicalJson(JSON.parse(text)));
    expect(written(text)).not.toBeNull();
  });
});

describe("copyCanonicalJsonText: details stored canonical are copied as they are", () => {
  function copied(source: Buffer): string | null {
    const out = Buffer.alloc(source.length + 64);
    const length = copyCanonicalJsonText(source, 0, source.length, out, 0);
    return length < 0 ? null : out.toString("utf8", 0, length);
  }
  const copiedText = (text: string) => copied(Buffer.from(text, "utf8"));

  it("copies only text that is canonicalJson(JSON.parse(text)), for random values however spelled", () => {
    const value = fc.oneof(details, fc.jsonValue(), fc.array(details));
    fc.assert(
      fc.property(value, fc.constantFrom(canonicalJson, jsonbStyleText, numberSpellings, (v: unknown) => JSON.stringify(v), (v: unknown) => JSON.stringify(v, null, 2)), (candidate, spell) => {
        const text = spell(candidate);
        const output = copiedText(text);
        if (output !== null) expect(output).toBe(canonicalJson(JSON.parse(text)));
        if (output !== null) expect(output).toBe(text);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it("never writes from a stored text with one byte changed unless it equals canonicalJson(JSON.parse(text))", () => {
    // details is a text column now: once its check constraint is gone it can hold anything.
    fc.assert(
      fc.property(details, fc.constantFrom<DetailsText>(canonicalJson, jsonbStyleText, numberSpellings), fc.nat(), fc.integer({ min: 0, max: 255 }), (value, spell, at, byte) => {
        const source = Buffer.from(spell(value), "utf8");
        source[at % source.length] = byte;
        const out = Buffer.alloc(source.length * 6 + 64);
        const length = writeCanonicalJsonText(source, 0, source.length, out, 0);
        if (length < 0) return;
        expect(out.toString("utf8", 0, length)).toBe(canonicalJson(JSON.parse(source.toString("utf8"))));
      }),
      { numRuns: 3000 },
    );
  }, 60_000);

  it("never copies a canonical text with one byte changed unless the result is canonical too", () => {
    fc.assert(
      fc.property(details, fc.nat(), fc.integer({ min: 0, max: 255 }), (value, at, byte) => {
        const source = Buffer.from(canonicalJson(value), "utf8");
        source[at % source.length] = byte;
        const output = copied(source);
        if (output === null) return;
        expect(output).toBe(canonicalJson(JSON.parse(source.toString("utf8"))));
      }),
      { numRuns: 3000 },
    );
  }, 60_000);

  it("copies the details the application writes, including escapes JSON.stringify writes and non-ASCII strings", () => {
    for (const value of [
      {},
      { method: "password", sessionId: "0195a3c2-7d1e-7c4b-8f3a-2b9d4e6f1a0c" },
      { checked: 41, elapsedMs: 1234, firstBreak: null, headSeq: 41, ok: true },
      { amount: "1250.00", nested: { a: [], b: [1, -2, 0, true, false, null, "x"] }, "10": "ten", "9": "nine", A: 1, a: 2, "a!": 3 },
      { note: 'tab\t "q" \\ \u001f \u0000 Zoë 😀 \u2028', big: 123456789012345, small: -123456789012345 },
    ]) {
      const text = canonicalJson(value);
      expect(copiedText(text)).toBe(text);
    }
  });

  it("declines text that is not canonical, or not provably so, whatever it means", () => {
    for (const text of [
      '{"a": 1}', // whitespace
      '{"b":1,"a":2}', // keys out of order
      '{"a":1,"a":1}', // a duplicate key
      '{"a":1,"a!":2,"a":3}',
      '{"a\\"b":1}', // an escaped key
      '{"é":1}', // a non-ASCII key
      '"\\u00e9"',
      '"\\/"',
      '"\\u0008"', // \b is the canonical escape
      '"\\u001F"', // canonical hex is lowercase
      '"\\ud83d\\ude00"',
      "-0",
      "1.0",
      "1e2",
      "0.5", // canonical, but left to the writer
      "01",
      "1234567890123456",
      "[1,]",
      "[1 ]",
      '{"a":1}x',
      '{"a":1',
      "tru",
      "nul",
      "",
    ]) {
      expect(copiedText(text), text).toBeNull();
    }
    expect(copied(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).toBeNull(); // invalid UTF-8
    expect(copied(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toBeNull(); // an encoded lone surrogate
  });

  it("nests no deeper than the other fast paths, leaving deeper text to them", () => {
    const deep = "[".repeat(40) + "]".repeat(40);
    expect(copiedText(deep)).toBeNull();
    expect(copiedText("[".repeat(32) + "]".repeat(32))).toBe("[".repeat(32) + "]".repeat(32));
  });
});
