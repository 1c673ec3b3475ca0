import { describe, expect, it } from "vitest";
import { countersignFormat, europeanFormat } from "./formats";
import { StatementReader } from "./read-statement";

/**
 * The reader decides whether a date exists with calendar arithmetic (no Date object per row). Here
 * every year, month and day spelled with the right number of digits, around and across the stated
 * range 2000-2100, is compared with what a UTC Date says, in both formats.
 */
function oracle(year: number, month: number, day: number): string | null {
  if (year < 2000 || year > 2100) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

const pad = (value: number, width: number) => String(value).padStart(width, "0");

describe("statement dates", () => {
  it("accepts exactly the days that exist between 2000 and 2100, in both formats", () => {
    const iso = new StatementReader(countersignFormat);
    iso.header(["reference", "kind", "status", "amount", "currency", "booked_on"]);
    const eu = new StatementReader(europeanFormat);
    eu.header(["Transaction ID", "Type", "State", "Gross Amount", "Currency Code", "Value Date"]);
    let accepted = 0;
    for (const year of [1900, 1999, 2000, 2001, 2004, 2023, 2024, 2025, 2026, 2096, 2099, 2100, 2101, 2400, 9999]) {
      for (let month = 0; month <= 13; month += 1) {
        for (let day = 0; day <= 32; day += 1) {
          const expected = oracle(year, month, day);
          const [y, m, d] = [pad(year, 4), pad(month, 2), pad(day, 2)];
          expect(iso.row(["R-1", "payment", "paid", "1.00", "EUR", `${y}-${m}-${d}`])?.bookedOn ?? null, `${y}-${m}-${d}`).toBe(expected);
          expect(eu.row(["R-1", "PAYIN", "SETTLED", "1,00", "EUR", `${d}.${m}.${y}`])?.bookedOn ?? null, `${d}.${m}.${y}`).toBe(expected);
          expect(eu.row(["R-1", "PAYIN", "SETTLED", "1,00", "EUR", `${d}/${m}/${y}`])?.bookedOn ?? null, `${d}/${m}/${y}`).toBe(expected);
          if (expected) accepted += 1;
        }
      }
    }
    // Every day of the years in range, leap days included (2000 is a leap year, 2100 is not).
    expect(accepted).toBe([2000, 2001, 2004, 2023, 2024, 2025, 2026, 2096, 2099, 2100].reduce((sum, year) => sum + (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 366 : 365), 0));
  });
});
