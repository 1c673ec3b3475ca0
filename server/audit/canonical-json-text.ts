import { isUtf8 } from "node:buffer";
import { isExactDouble } from "./exact-json";

/**
 * RFC 8785 canonical JSON written straight from the UTF-8 bytes of JSON text (jsonb's output), for
 * the common shapes: ASCII keys without escapes, strings already escaped as JSON.stringify escapes
 * them (jsonb's output is), integers of at most 15 digits. Anything else is declined (-1), and the
 * caller parses the text and uses canonicalJson, the reference. Declining is always safe; writing
 * is only done where the bytes provably equal canonicalJson(JSON.parse(text)). Text that is not
 * valid UTF-8 is declined too: the reference decodes it with replacement characters.
 */
export function writeCanonicalJsonText(source: Buffer, start: number, end: number, out: Buffer, cursor: number): number {
  const writer = new CanonicalTextWriter(source, end, out);
  writer.position = start;
  const written = writer.value(cursor, 0);
  if (written < 0) return -1;
  writer.skipSpace();
  if (writer.position !== end) return -1;
  return writer.sawNonAscii && !isUtf8(source.subarray(start, end)) ? -1 : written;
}

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const minus = 0x2d;
const zero = 0x30;
const nine = 0x39;
/** Beyond this the reference path decides, as canonicalJson's own fast path does. */
const depthMax = 32;
/** An integer of up to 15 digits is exactly a double, whose ECMAScript ToString is those digits. */
const exactDigitsMax = 15;
/** The single-character escapes JSON.stringify writes: \" \\ \b \f \n \r \t. */
const shortEscapes = new Set([quote, backslash, 0x62, 0x66, 0x6e, 0x72, 0x74]);
/** Control characters JSON.stringify writes as a short escape rather than \u00XX. */
const shortEscapedControls = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
const literals = [Buffer.from("true"), Buffer.from("false"), Buffer.from("null")];

interface Member {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  /** Just past the value as skipValue found it: writing the value must end exactly there. */
  valueEnd: number;
}

class CanonicalTextWriter {
  position = 0;
  /** Whether a string held a byte above 0x7f, so that the text must be checked for valid UTF-8. */
  sawNonAscii = false;

  constructor(
    private readonly source: Buffer,
    private readonly end: number,
    private readonly out: Buffer,
  ) {}

  /** Writes the value at position canonically at cursor; returns the new cursor or -1. */
  value(cursor: number, depth: number): number {
    this.skipSpace();
    const first = this.source[this.position];
    if (first === quote) return this.string(cursor);
    if (first === openBrace) return depth >= depthMax ? -1 : this.object(cursor, depth);
    if (first === openBracket) return depth >= depthMax ? -1 : this.array(cursor, depth);
    if (first === minus || (first !== undefined && first >= zero && first <= nine)) return this.number(cursor);
    return this.literal(cursor);
  }

  skipSpace(): void {
    for (;;) {
      const byte = this.source[this.position];
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return;
      this.position += 1;
    }
  }

  /**
   * Copies a string verbatim when its escapes are exactly the ones JSON.stringify writes. Bytes
   * above 0x7f are copied as they are; the whole text is checked for valid UTF-8 at the end.
   */
  private string(cursor: number): number {
    const { source, out } = this;
    let index = this.position + 1;
    out[cursor] = quote;
    let target = cursor + 1;
    for (;;) {
      if (index >= this.end) return -1;
      const byte = source[index] as number;
      if (byte === quote) break;
      if (byte < 0x20) return -1;
      if (byte === backslash) {
        const length = stringifyEscapeLength(source, index, this.end);
        if (length < 0) return -1;
        for (let step = 0; step < length; step += 1) out[target + step] = source[index + step] as number;
        index += length;
        target += length;
        continue;
      }
      if (byte > 0x7f) this.sawNonAscii = true;
      out[target] = byte;
      target += 1;
      index += 1;
    }
    out[target] = quote;
    this.position = index + 1;
    return target + 1;
  }

  /**
   * Moves past a key that is printable ASCII without escapes, whose byte order is then RFC 8785's
   * UTF-16 order and whose bytes are its canonical form; false for any other key.
   */
  private key(): boolean {
    for (let index = this.position + 1; index < this.end; index += 1) {
      const byte = this.source[index] as number;
      if (byte === quote) {
        this.position = index + 1;
        return true;
      }
      if (byte < 0x20 || byte === backslash || byte > 0x7e) return false;
    }
    return false;
  }

  private object(cursor: number, depth: number): number {
    const members = this.members();
    if (members === null) return -1;
    const after = this.position;
    members.sort((a, b) => this.compareKeys(a, b));
    for (let index = 1; index < members.length; index += 1) {
      if (this.compareKeys(members[index - 1] as Member, members[index] as Member) === 0) return -1; // a duplicate key
    }
    const { out } = this;
    out[cursor] = openBrace;
    let target = cursor + 1;
    for (let index = 0; index < members.length; index += 1) {
      const member = members[index] as Member;
      if (index > 0) out[target++] = comma;
      target = copyRange(this.source, member.keyStart, member.keyEnd, out, target);
      out[target++] = colon;
      this.position = member.valueStart;
      target = this.value(target, depth + 1);
      // A value followed by stray bytes (1x, truex) is not JSON, though its prefix was written.
      if (target < 0 || this.position !== member.valueEnd) return -1;
    }
    out[target] = closeBrace;
    this.position = after;
    return target + 1;
  }

  /** Reads an object's member keys and skips their values; position ends past the closing brace. */
  private members(): Member[] | null {
    const members: Member[] = [];
    this.position += 1;
    this.skipSpace();
    if (this.source[this.position] === closeBrace) {
      this.position += 1;
      return members;
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.position;
      if (this.source[keyStart] !== quote || !this.key()) return null;
      const keyEnd = this.position;
      this.skipSpace();
      if (this.source[this.position] !== colon) return null;
      this.position += 1;
      this.skipSpace();
      const valueStart = this.position;
      if (!this.skipValue()) return null;
      members.push({ keyStart, keyEnd, valueStart, valueEnd: this.position });
      this.skipSpace();
      const next = this.source[this.position];
      this.position += 1;
      if (next === closeBrace) return members;
      if (next !== comma) return null;
    }
  }

  private compareKeys(a: Member, b: Member): number {
    // Without their quotes, so that a key sorts before any longer key it begins.
    const { source } = this;
    const aLength = a.keyEnd - a.keyStart;
    const bLength = b.keyEnd - b.keyStart;
    const common = Math.min(aLength, bLength) - 1;
    for (let offset = 1; offset < common; offset += 1) {
      const difference = (source[a.keyStart + offset] as number) - (source[b.keyStart + offset] as number);
      if (difference !== 0) return difference;
    }
    return aLength - bLength;
  }

  /** Moves past one value without writing it (value() checks its form when it is written). */
  private skipValue(): boolean {
    const first = this.source[this.position];
    if (first === quote) return this.skipString();
    if (first !== openBrace && first !== openBracket) {
      const start = this.position;
      while (this.position < this.end && !isDelimiter(this.source[this.position] as number)) this.position += 1;
      return this.position > start;
    }
    let open = 0;
    while (this.position < this.end) {
      const byte = this.source[this.position] as number;
      if (byte === quote) {
        if (!this.skipString()) return false;
        continue;
      }
      this.position += 1;
      if (byte === openBrace || byte === openBracket) open += 1;
      else if ((byte === closeBrace || byte === closeBracket) && --open === 0) return true;
    }
    return false;
  }

  private skipString(): boolean {
    for (let index = this.position + 1; index < this.end; index += 1) {
      const byte = this.source[index];
      if (byte === backslash) index += 1;
      else if (byte === quote) {
        this.position = index + 1;
        return true;
      }
    }
    return false;
  }

  private array(cursor: number, depth: number): number {
    const { out } = this;
    out[cursor] = openBracket;
    let target = cursor + 1;
    this.position += 1;
    this.skipSpace();
    if (this.source[this.position] === closeBracket) {
      this.position += 1;
      out[target] = closeBracket;
      return target + 1;
    }
    for (let index = 0; ; index += 1) {
      if (index > 0) out[target++] = comma;
      target = this.value(target, depth + 1);
      if (target < 0) return -1;
      this.skipSpace();
      const next = this.source[this.position];
      this.position += 1;
      if (next === closeBracket) break;
      if (next !== comma) return -1;
    }
    out[target] = closeBracket;
    return target + 1;
  }

  /** Integers of up to 15 digits are copied; other numbers are written as ECMAScript ToString. */
  private number(cursor: number): number {
    const { source } = this;
    const start = this.position;
    let index = start;
    while (index < this.end && isNumberByte(source[index] as number)) index += 1;
    this.position = index;
    const negative = source[start] === minus;
    const digits = index - start - (negative ? 1 : 0);
    const leading = source[start + (negative ? 1 : 0)];
    let plainInteger = digits > 0 && digits <= exactDigitsMax && (leading !== zero || (digits === 1 && !negative));
    for (let at = start + (negative ? 1 : 0); plainInteger && at < index; at += 1) {
      const byte = source[at] as number;
      if (byte < zero || byte > nine) plainInteger = false;
    }
    if (plainInteger) return copyRange(source, start, index, this.out, cursor);
    const text = source.toString("latin1", start, index);
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text)) return -1;
    const value = Number(text);
    // A number a double does not hold exactly is for the reference path to refuse (exact-json.ts).
    if (!isExactDouble(text, value)) return -1;
    return cursor + this.out.write(String(value), cursor, "latin1");
  }

  private literal(cursor: number): number {
    for (const literal of literals) {
      if (this.position + literal.length <= this.end && this.source.compare(literal, 0, literal.length, this.position, this.position + literal.length) === 0) {
        this.position += literal.length;
        return cursor + literal.copy(this.out, cursor);
      }
    }
    return -1;
  }
}

/** The length of the escape at index when JSON.stringify would write exactly it, else -1. */
function stringifyEscapeLength(source: Buffer, index: number, end: number): number {
  const kind = source[index + 1] as number;
  if (shortEscapes.has(kind)) return 2;
  if (kind !== 0x75 || index + 6 > end) return -1; // \u00XX, lowercase, for other controls only
  if (source[index + 2] !== zero || source[index + 3] !== zero) return -1;
  const high = source[index + 4] as number;
  const low = source[index + 5] as number;
  const lowValue = low >= zero && low <= nine ? low - zero : low >= 0x61 && low <= 0x66 ? low - 0x61 + 10 : -1;
  if ((high !== zero && high !== 0x31) || lowValue < 0) return -1;
  return shortEscapedControls.has((high - zero) * 16 + lowValue) ? -1 : 6;
}

/** A byte loop: for spans this short it beats Buffer#copy, whose argument checks cost more. */
function copyRange(source: Buffer, start: number, end: number, out: Buffer, cursor: number): number {
  for (let index = start; index < end; index += 1) out[cursor + index - start] = source[index] as number;
  return cursor + end - start;
}

function isDelimiter(byte: number): boolean {
  return byte === comma || byte === closeBrace || byte === closeBracket || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isNumberByte(byte: number): boolean {
  return (byte >= zero && byte <= nine) || byte === minus || byte === 0x2b || byte === 0x2e || byte === 0x65 || byte === 0x45;
}

/**
 * Copies JSON text that is already RFC 8785 canonical, in the subset the writer above handles
 * directly: no whitespace, object keys printable ASCII without escapes in strictly ascending order
 * (so no duplicates), strings escaped exactly as JSON.stringify escapes them, integers of at most
 * 15 digits (not -0), true, false, null; valid UTF-8. Such text is byte for byte
 * canonicalJson(JSON.parse(text)), so it is copied as it is, which is how appendAuditEvent stores
 * details. Anything else is declined (-1), and the caller canonicalises it as before.
 */
export function copyCanonicalJsonText(source: Buffer, start: number, end: number, out: Buffer, cursor: number): number {
  checked = source;
  checkedEnd = end;
  checkedPosition = start;
  checkedNonAscii = false;
  const canonical = checkValue(0) && checkedPosition === end && (!checkedNonAscii || isUtf8(source.subarray(start, end)));
  checked = emptyBuffer;
  if (!canonical) return -1;
  return copyRange(source, start, end, out, cursor);
}

// The checker's state, module-level so that checking a short text allocates nothing.
const emptyBuffer: Buffer = Buffer.alloc(0);
let checked = emptyBuffer;
let checkedEnd = 0;
let checkedPosition = 0;
let checkedNonAscii = false;

function checkValue(depth: number): boolean {
  const first = checked[checkedPosition];
  if (first === quote) return checkString();
  if (first === openBrace) return depth < depthMax && checkObject(depth);
  if (first === openBracket) return depth < depthMax && checkArray(depth);
  if (first === minus || (first !== undefined && first >= zero && first <= nine)) return checkInteger();
  return checkLiteral();
}

function checkObject(depth: number): boolean {
  checkedPosition += 1;
  if (checked[checkedPosition] === closeBrace) {
    checkedPosition += 1;
    return true;
  }
  let previousStart = -1;
  let previousEnd = -1;
  for (;;) {
    if (checked[checkedPosition] !== quote) return false;
    const keyStart = checkedPosition + 1;
    let keyEnd = keyStart;
    for (;;) {
      if (keyEnd >= checkedEnd) return false;
      const byte = checked[keyEnd] as number;
      if (byte === quote) break;
      if (byte < 0x20 || byte === backslash || byte > 0x7e) return false;
      keyEnd += 1;
    }
    if (previousStart >= 0 && !keyAscends(previousStart, previousEnd, keyStart, keyEnd)) return false;
    previousStart = keyStart;
    previousEnd = keyEnd;
    if (checked[keyEnd + 1] !== colon) return false;
    checkedPosition = keyEnd + 2;
    if (!checkValue(depth + 1)) return false;
    const next = checked[checkedPosition];
    checkedPosition += 1;
    if (next === closeBrace) return true;
    if (next !== comma) return false;
  }
}

/** Whether key a sorts strictly before key b: bytewise, a proper prefix first (ASCII, so UTF-16 order). */
function keyAscends(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const common = Math.min(aEnd - aStart, bEnd - bStart);
  for (let offset = 0; offset < common; offset += 1) {
    const difference = (checked[aStart + offset] as number) - (checked[bStart + offset] as number);
    if (difference !== 0) return difference < 0;
  }
  return aEnd - aStart < bEnd - bStart;
}

function checkArray(depth: number): boolean {
  checkedPosition += 1;
  if (checked[checkedPosition] === closeBracket) {
    checkedPosition += 1;
    return true;
  }
  for (;;) {
    if (!checkValue(depth + 1)) return false;
    const next = checked[checkedPosition];
    checkedPosition += 1;
    if (next === closeBracket) return true;
    if (next !== comma) return false;
  }
}

/** A string whose escapes are exactly the ones JSON.stringify writes (as CanonicalTextWriter#string). */
function checkString(): boolean {
  let index = checkedPosition + 1;
  for (;;) {
    if (index >= checkedEnd) return false;
    const byte = checked[index] as number;
    if (byte === quote) break;
    if (byte < 0x20) return false;
    if (byte === backslash) {
      const length = stringifyEscapeLength(checked, index, checkedEnd);
      if (length < 0) return false;
      index += length;
      continue;
    }
    if (byte > 0x7f) checkedNonAscii = true;
    index += 1;
  }
  checkedPosition = index + 1;
  return true;
}

/** An integer of 1 to 15 digits without a leading zero, or 0 (not -0), followed by no fraction or exponent. */
function checkInteger(): boolean {
  const negative = checked[checkedPosition] === minus;
  const first = checkedPosition + (negative ? 1 : 0);
  let index = first;
  while (index < checkedEnd) {
    const byte = checked[index] as number;
    if (byte < zero || byte > nine) break;
    index += 1;
  }
  const digits = index - first;
  if (digits === 0 || digits > exactDigitsMax) return false;
  if (checked[first] === zero && (digits > 1 || negative)) return false;
  const next = checked[index];
  if (next === 0x2e || next === 0x65 || next === 0x45) return false; // . e E
  checkedPosition = index;
  return true;
}

function checkLiteral(): boolean {
  for (const literal of literals) {
    if (checkedPosition + literal.length <= checkedEnd && checked.compare(literal, 0, literal.length, checkedPosition, checkedPosition + literal.length) === 0) {
      checkedPosition += literal.length;
      return true;
    }
  }
  return false;
}
