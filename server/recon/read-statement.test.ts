import { describe, expect, it } from "vitest";
import { countersignFormat, europeanFormat } from "./formats";
import { readStatementText, StatementFileError, type StatementLineInput } from "./read-statement";

function read(text: string, format = countersignFormat) {
  const lines: StatementLineInput[] = [];
  const summary = readStatementText(text, format, (line) => lines.push(line));
  return { lines, summary };
}

const euHeader = "Transaction ID;Type;State;Gross Amount;Currency Code;Value Date;Settled References;Narrative";

describe("reading statements", () => {
  it("reads the European format: semicolons, day-first dates, a decimal comma and its own words", () => {
    const { lines, summary } = read([euHeader, "GP-1;PAYIN;SETTLED;1250,50;EUR;31.03.2026;;Card", "GP-2;PAYOUT;PENDING;7;JPY;01/02/2026;;", "GP-3;SETTLEMENT;SETTLED;20,00;GBP;02.02.2026;A-1|A-2;"].join("\n"), europeanFormat);
    expect(summary.rejectedRows).toBe(0);
    expect(lines.map((line) => [line.reference, line.kind, line.status, line.amount, line.bookedOn, line.covers])).toEqual([
      ["GP-1", "payment", "paid", "1250.50", "2026-03-31", null],
      ["GP-2", "withdrawal", "pending", "7", "2026-02-01", null],
      ["GP-3", "settlement", "paid", "20.00", "2026-02-02", ["A-1", "A-2"]],
    ]);
    expect(summary.periodFrom).toBe("2026-02-01");
    expect(summary.periodTo).toBe("2026-03-31");
    expect(summary.totals).toEqual([
      { currency: "EUR", lines: 1, amount: "1250.50" },
      { currency: "GBP", lines: 1, amount: "20.00" },
      { currency: "JPY", lines: 1, amount: "7" },
    ]);
  });

  it("refuses in the European format a decimal point, thousands separators, ISO dates and impossible dates", () => {
    const { summary } = read([euHeader, "A;PAYIN;SETTLED;12.50;EUR;31.03.2026;;", "B;PAYIN;SETTLED;1.234,56;EUR;31.03.2026;;", "C;PAYIN;SETTLED;1,00;EUR;2026-03-31;;", "D;PAYIN;SETTLED;1,00;EUR;31.02.2026;;", "E;PAYIN;SETTLED;1,005;EUR;01.03.2026;;"].join("\n"), europeanFormat);
    expect(summary.acceptedRows).toBe(0);
    expect(summary.errors.map((error) => [error.row, error.field])).toEqual([
      [1, "Gross Amount"],
      [2, "Gross Amount"],
      [3, "Value Date"],
      [4, "Value Date"],
      [5, "Gross Amount"],
    ]);
  });

  it("names a wrong delimiter and missing columns, and refuses an empty file", () => {
    expect(() => read("reference;kind;status;amount;currency;booked_on\nA;payment;paid;1.00;EUR;2026-01-01")).toThrow(expect.objectContaining({ code: "WRONG_DELIMITER" }));
    expect(() => read(["reference,kind,status,amount,currency,booked_on", "A,payment,paid,1.00,EUR,2026-01-01"].join("\n"), europeanFormat)).toThrow(expect.objectContaining({ code: "WRONG_DELIMITER" }));
    expect(() => read("reference,kind,amount\nA,payment,1.00")).toThrow(/"status", "currency", "booked_on"/);
    expect(() => read("")).toThrow(StatementFileError);
    expect(() => read("\uFEFFreference,kind,status,amount,currency,booked_on\n\n")).toThrow(expect.objectContaining({ code: "EMPTY_FILE" }));
  });

  it("checks settlement covers and refuses covers on other lines", () => {
    const header = "reference,kind,status,amount,currency,booked_on,covers";
    const { summary } = read([header, "S-1,settlement,paid,10.00,EUR,2026-01-01,", "S-2,settlement,paid,10.00,EUR,2026-01-01,A|A", "P-1,payment,paid,10.00,EUR,2026-01-01,A"].join("\n"));
    expect(summary.errors.map((error) => [error.row, error.field])).toEqual([
      [1, "covers"],
      [2, "covers"],
      [3, "covers"],
    ]);
  });
});
