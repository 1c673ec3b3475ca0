import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { allocate } from "./allocate";
import { currencies, type Currency } from "./currencies";
import { MoneyDecimal } from "./decimal";
import { formatAmount } from "./format";
import { fromMinorUnits, toMinorUnits } from "./minor-units";
import { amountPattern, parseAmount } from "./parse";
import { roundingModes, roundToCurrency } from "./rounding";

// fast-check prints the seed and the shrunk counterexample of any failure; rerun with { seed, path }.
const runs = { numRuns: 300 };
const anySign = { allowNegative: true, allowZero: true };

const currency = fc.constantFrom<Currency>(...currencies);
const digit = fc.constantFrom(..."0123456789");

/** Any amount a NUMERIC(38, 18) column and the currency can hold, as minor units. */
const minorUnitsOf = (exponent: number) => {
  const limit = 10n ** BigInt(20 + exponent) - 1n;
  return fc.bigInt({ min: -limit, max: limit });
};

/** "0" or digits without a leading zero, at most 20 of them. */
const integerDigits = fc.oneof(
  fc.constant("0"),
  fc.tuple(fc.constantFrom(..."123456789"), fc.string({ unit: digit, maxLength: 19 })).map(([head, tail]) => head + tail),
);

const canonicalAmount = currency.chain((chosen) =>
  fc
    .record({
      negative: fc.boolean(),
      integer: integerDigits,
      fraction: fc.string({ unit: digit, minLength: chosen.exponent, maxLength: chosen.exponent }),
    })
    .map(({ negative, integer, fraction }) => {
      const unsigned = chosen.exponent === 0 ? integer : `${integer}.${fraction}`;
      const isZero = /^[0.]+$/.test(unsigned);
      return { code: chosen.code, text: negative && !isZero ? `-${unsigned}` : unsigned };
    }),
);

describe("parse and format are inverse on every valid amount", () => {
  it("parseAmount(formatAmount(x)) === x for any amount of any currency", () => {
    fc.assert(
      fc.property(
        currency.chain((chosen) => fc.tuple(fc.constant(chosen), minorUnitsOf(chosen.exponent))),
        ([chosen, minorUnits]) => {
          const amount = fromMinorUnits(minorUnits, chosen.code);
          const parsed = parseAmount(formatAmount(amount, chosen.code), chosen.code, anySign);
          expect(parsed.eq(amount)).toBe(true);
          expect(toMinorUnits(parsed, chosen.code)).toBe(minorUnits);
        },
      ),
      runs,
    );
  });

  it("formatAmount(parseAmount(s)) === s for any canonical string", () => {
    fc.assert(
      fc.property(canonicalAmount, ({ code, text }) => {
        expect(formatAmount(parseAmount(text, code, anySign), code)).toBe(text);
      }),
      runs,
    );
  });
});

describe("parseAmount never rounds and never accepts what the pattern refuses", () => {
  it("any string with more decimal places than the currency has is PRECISION_EXCEEDED", () => {
    const tooPrecise = currency.chain((chosen) =>
      fc
        .tuple(integerDigits, fc.string({ unit: digit, minLength: chosen.exponent + 1, maxLength: 18 }))
        .filter(([, fraction]) => fraction.length > chosen.exponent)
        .map(([integer, fraction]) => ({ code: chosen.code, text: `${integer}.${fraction}` })),
    );
    fc.assert(
      fc.property(tooPrecise, ({ code, text }) => {
        expect(() => parseAmount(text, code, anySign)).toThrow(
          expect.objectContaining({ code: "PRECISION_EXCEEDED", field: "amount" }),
        );
      }),
      runs,
    );
  });

  it("arbitrary text is either refused with a DomainError naming the field, or matches the strict pattern", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 50 }),
      fc.string({ unit: fc.constantFrom(..."0123456789.-+e, x"), maxLength: 30 }),
    );
    fc.assert(
      fc.property(text, (input) => {
        try {
          parseAmount(input, "BTC", { ...anySign, field: "stake" });
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).field).toBe("stake");
          return;
        }
        expect(input).toMatch(amountPattern);
      }),
      runs,
    );
  });
});

describe("roundToCurrency stays within one minor unit, on the side its mode names", () => {
  it("for every mode", () => {
    const value = currency.chain((chosen) =>
      fc.tuple(fc.constant(chosen), fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.constantFrom(...roundingModes)),
    );
    fc.assert(
      fc.property(value, ([chosen, digits, mode]) => {
        const exact = new MoneyDecimal(`${digits}e-${chosen.exponent + 3}`);
        const rounded = roundToCurrency(exact, chosen.code, mode);
        const minorUnit = new MoneyDecimal(`1e-${chosen.exponent}`);
        const distance = rounded.minus(exact).abs();
        expect(rounded.decimalPlaces()).toBeLessThanOrEqual(chosen.exponent);
        expect(distance.lt(minorUnit)).toBe(true);
        if (mode.startsWith("HALF")) expect(distance.times(2).lte(minorUnit)).toBe(true);
        if (mode === "DOWN") expect(rounded.abs().lte(exact.abs())).toBe(true);
        if (mode === "UP") expect(rounded.abs().gte(exact.abs())).toBe(true);
        if (mode === "FLOOR") expect(rounded.lte(exact)).toBe(true);
        if (mode === "CEIL") expect(rounded.gte(exact)).toBe(true);
      }),
      runs,
    );
  });
});

describe("allocate", () => {
  const ratioScale = 4;
  /** A ratio as units over 10^scale, so the test can compute exact shares independently. */
  const ratio = fc.record({ units: fc.bigInt({ min: 0n, max: 10n ** 12n }), scale: fc.integer({ min: 0, max: ratioScale }) });
  const parts = fc.oneof(
    fc.integer({ min: 1, max: 50 }),
    fc.array(ratio, { minLength: 1, maxLength: 20 }).filter((ratios) => ratios.some((r) => r.units > 0n)),
  );
  const input = currency.chain((chosen) => fc.tuple(fc.constant(chosen), minorUnitsOf(chosen.exponent), parts));

  it("preserves the part count, sums exactly to the total, keeps every part within one minor unit of its share, and is symmetric in sign", () => {
    fc.assert(
      fc.property(input, ([chosen, totalMinorUnits, split]) => {
        const total = fromMinorUnits(totalMinorUnits, chosen.code);
        const ratios = typeof split === "number" ? split : split.map((r) => new MoneyDecimal(`${r.units}e-${r.scale}`));
        const weights =
          typeof split === "number"
            ? Array.from({ length: split }, () => 1n)
            : split.map((r) => r.units * 10n ** BigInt(ratioScale - r.scale));
        const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);

        const result = allocate(total, ratios, chosen.code);
        expect(result).toHaveLength(weights.length);
        const partsMinorUnits = result.map((part) => toMinorUnits(part, chosen.code));
        expect(partsMinorUnits.reduce((sum, part) => sum + part, 0n)).toBe(totalMinorUnits);
        partsMinorUnits.forEach((part, index) => {
          // |part - total * w / W| < 1 minor unit, multiplied through by W to stay in integers.
          const gap = part * weightSum - totalMinorUnits * (weights[index] ?? 0n);
          expect(gap < weightSum && -gap < weightSum).toBe(true);
        });

        const mirrored = allocate(total.negated(), ratios, chosen.code).map((part) => toMinorUnits(part, chosen.code));
        expect(mirrored).toEqual(partsMinorUnits.map((part) => -part));
      }),
      runs,
    );
  });
});
