import Decimal from "decimal.js";

/**
 * The audit hash covers details as JSON.parse reads the stored text, and JSON.parse reads every
 * number as a double: "3.0000000000000001" and "9007199254740993" become 3 and 9007199254740992.
 * PostgreSQL's jsonb keeps such numbers exactly, so the audit page would show a value the hash
 * never covered. Text whose numbers a double does not hold exactly is therefore refused here, and
 * such a row does not verify. Honest rows never hold one: appendAuditEvent writes numbers from
 * doubles (ECMAScript ToString), and jsonb's text of those (rows before migration 0012) spells the
 * same values, at most with the exponent written out.
 */
export class InexactNumberError extends Error {
  constructor(readonly token: string) {
    super(`details hold the number ${token.slice(0, 40)}, which a double does not hold exactly`);
  }
}

/**
 * True when the JSON number token denotes the same decimal value as the double it parses to, as
 * ECMAScript writes that double (its shortest round-trip digits): "0.1" and "1e+21" do, and
 * "0.10000000000000001" does not, though all three parse to a double.
 */
export function isExactDouble(token: string, value: number): boolean {
  return Number.isFinite(value) && new Decimal(token).eq(new Decimal(String(value)));
}

const numberToken = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** JSON.parse, refusing text with a number that a double does not hold exactly (see above). */
export function parseExactJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // The text is valid JSON here, so outside strings a '-' or digit starts a number token.
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x2d || (char >= 0x30 && char <= 0x39)) {
      numberToken.lastIndex = index;
      const token = numberToken.exec(text)?.[0] ?? "";
      if (!isExactDouble(token, JSON.parse(token) as number)) throw new InexactNumberError(token);
      index += token.length - 1;
    }
  }
  return value;
}
