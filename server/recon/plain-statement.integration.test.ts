import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { storedLinesDiffer } from "@/test/support/recon";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { countersignFormat, europeanFormat, type StatementFormat } from "./formats";
import { importStatement } from "./import-statement";
import { readStatementText, StatementReader, type StatementLineInput } from "./read-statement";
import { sameCellCount, plainEligible } from "./plain-statement";

/**
 * A plain file (plain-statement.ts) is checked row by row while its rows are COPYed into
 * statement_lines (import-statement.ts, importPlain): what it stores must be exactly what the reader
 * (read-statement.ts) reads. This corpus holds good rows and, per field, the bad spellings the
 * reader refuses and the edge cases it accepts.
 */
const request = { correlationId: "recon-plain-0001", ip: "127.0.0.1", userAgent: "vitest" };

interface Variant {
  reference?: string;
  kind?: string;
  status?: string;
  amount?: string;
  currency?: string;
  bookedOn?: string;
  covers?: string;
  description?: string;
}

function corpus(format: StatementFormat): Variant[] {
  const eu = format === europeanFormat;
  const payment = eu ? "PAYIN" : "payment";
  const settlement = eu ? "SETTLEMENT" : "settlement";
  const amount = (text: string) => (eu ? text.replace(".", ",") : text);
  const date = (iso: string) => (eu ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : iso);
  const variants: Variant[] = [{}];
  for (const reference of ["", "A", "a.b_c:d/e-f", "-A", ".A", "A B", " A", "A ", "Ä1", "A".repeat(100), "A".repeat(101), "A|B", "١٢", "A\u00a0"]) variants.push({ reference });
  for (const kind of ["", payment, settlement, eu ? "payin" : "Payment", eu ? "PAYOUT" : "withdrawal", "fee", "FEE", "REFUND", "refund", " payment", "__proto__", "constructor"]) variants.push({ kind, covers: kind === settlement ? "R-1" : "" });
  for (const status of ["", "paid", "SETTLED", "PENDING", "pending", "REJECTED", "failed", "toString", "Paid"]) variants.push({ status });
  for (const currency of ["", "EUR", "eur", "XXX", "JPY", "BTC", "BHD", " EUR", "EURO"]) variants.push({ currency });
  const amounts = [
    ["", "EUR"], ["0", "EUR"], ["0.00", "EUR"], ["-1.00", "EUR"], ["-0", "EUR"], ["+1.00", "EUR"], ["1", "EUR"], ["1.5", "EUR"], ["1.50", "EUR"], ["1.505", "EUR"],
    ["01.00", "EUR"], [".50", "EUR"], ["5.", "EUR"], ["1e3", "EUR"], ["1 000.00", "EUR"], ["1,000.00", "EUR"], ["1.000,00", "EUR"], [" 1.00", "EUR"], ["1.00 ", "EUR"],
    ["10", "JPY"], ["10.5", "JPY"], ["10.0", "JPY"], ["0.00000001", "BTC"], ["0.000000001", "BTC"], ["1.234", "BHD"], ["1.2345", "BHD"],
    ["12345678901234567890", "EUR"], ["123456789012345678901", "EUR"], ["12345678901234567890.12", "EUR"], ["１０", "EUR"], ["NaN", "EUR"], ["Infinity", "EUR"], ["0x10", "EUR"],
    ["1,5", "EUR"], ["1.5", "XXX"],
  ];
  for (const [text = "", currency = "EUR"] of amounts) {
    variants.push({ amount: text.includes(",") || text.includes(".") ? text : text, currency });
    variants.push({ amount: amount(text), currency });
  }
  for (const bookedOn of ["", "2026-03-31", "2026-02-29", "2024-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "1999-12-31", "2000-01-01", "2100-12-31", "2101-01-01",
    "31.03.2026", "31/03/2026", "31.03/2026", "29.02.2024", "29.02.2026", "31.04.2026", "00.01.2026", "1.3.2026", "2026-3-1", " 2026-03-31", "2026-03-31 ", "٢٠٢٦-03-31", date("2026-01-15")]) variants.push({ bookedOn });
  for (const covers of ["R-1", "R-1|R-2", " R-1 | R-2 ", "R-1||R-2", "|", "", "R-1|R-1", "R 1", "R-1|-R", "\u3000R-1\u00a0"]) {
    variants.push({ kind: settlement, covers });
    variants.push({ covers });
  }
  for (const description of ["", "Card", "  padded  ", "=HYPERLINK(x)", "x".repeat(500), "x".repeat(501), ` ${"x".repeat(500)} `, "😀".repeat(250), "😀".repeat(251), "\u00a0\u2003", "tab\tinside"]) variants.push({ description });
  return variants;
}

function fileFor(format: StatementFormat, variants: Variant[], newline = "\n"): string {
  const eu = format === europeanFormat;
  const base = { reference: "R-100", kind: eu ? "PAYIN" : "payment", status: eu ? "SETTLED" : "paid", amount: eu ? "12,50" : "12.50", currency: "EUR", bookedOn: eu ? "15.01.2026" : "2026-01-15", covers: "", description: "" };
  const h = format.headers;
  const header = [h.reference, h.kind, h.status, h.amount, h.currency, h.bookedOn, h.covers, h.description].join(format.delimiter);
  const rows = variants.map((variant) => {
    const row = { ...base, ...variant };
    return [row.reference, row.kind, row.status, row.amount, row.currency, row.bookedOn, row.covers, row.description].join(format.delimiter);
  });
  return `${header}${newline}${rows.join(newline)}${newline}`;
}

describe("statement import: the plain-file path stores what the reader reads, and falls back where it must", () => {
  let database: TestDatabase;
  let staffId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 5 });
    staffId = (await signedInCaller(database.app.db, "finance")).member.id;
  }, 120_000);
  afterAll(() => database.drop());

  for (const format of [countersignFormat, europeanFormat]) {
    it(`stores exactly the lines the JavaScript reader reads from a good file, CRLF included (${format.id})`, async () => {
      const variants = corpus(format).filter((variant) => !Object.values(variant).some((value) => value.includes(format.delimiter) || value.includes("\n")));
      const good = variants.filter((variant) => {
        const reader = new StatementReader(format);
        reader.header((fileFor(format, []).split("\n")[0] ?? "").split(format.delimiter));
        return reader.row((fileFor(format, [variant]).split("\n")[1] ?? "").split(format.delimiter)) !== null;
      });
      for (const newline of ["\n", "\r\n"]) {
        const text = fileFor(format, good.map((variant, index) => ({ ...variant, reference: variant.reference ?? `R-${index}-${newline.length}` })), newline);
        const expected: StatementLineInput[] = [];
        const summary = readStatementText(text, format, (line) => expected.push(line));
        expect(plainEligible(text)).toBe(true);
        const result = await importStatement(database.app.db, { provider: format === europeanFormat ? "globalpsp" : "acmepay", fileName: "corpus.csv", bytes: new TextEncoder().encode(text), staffId, request });
        expect(result.import.status).toBe("accepted");
        expect(result.summary).toEqual(summary);
        expect(await storedLinesDiffer(database.owner, result.import.id, expected)).toEqual([]);
      }
    });
  }

  it("falls back to the reader for a file COPY could read differently, and for a bad row names row, field and reason", async () => {
    expect(plainEligible('reference,kind\n"A",payment\n')).toBe(false);
    expect(plainEligible("reference,kind\n\\.\nA,payment\n")).toBe(false);
    expect(plainEligible("reference,kind\r\nA,payment\nB,payment\n")).toBe(false);
    expect(plainEligible("reference,kind\nA,payment\n")).toBe(true);
    // A row with more or fewer cells than the header would make the staging COPY fail, so such a
    // file takes the reader's path: like papaparse it ignores the extra cell, and names a short row.
    expect(sameCellCount("a,b,c\n1,2,3\n4,5,6\n", ",", 3)).toBe(true);
    expect(sameCellCount("a,b,c\r\n1,2,3\r\n4,5,6", ",", 3)).toBe(true);
    expect(sameCellCount("a,b,c\n1,2,3\n4,5,6,7\n", ",", 3)).toBe(false);
    expect(sameCellCount("a,b,c\n1,2,3\n4,5", ",", 3)).toBe(false);
    expect(sameCellCount("a,b,c\n1,2,3\n\n4,5,6\n", ",", 3)).toBe(false);
    expect(sameCellCount("a;b;c\n1;2;3\n1,2,3\n", ";", 3)).toBe(false);
    const wide = `${fileFor(countersignFormat, [{ reference: "W-1" }])}W-2,payment,paid,1.00,EUR,2026-01-02,,,extra\n`;
    const wideResult = await importStatement(database.app.db, { provider: "acmepay", fileName: "wide.csv", bytes: new TextEncoder().encode(wide), staffId, request });
    expect([wideResult.import.status, wideResult.import.rowCount]).toEqual(["accepted", 2]);
    const narrow = `${fileFor(countersignFormat, [{ reference: "N-1" }])}N-2,payment,paid,1.00,EUR\n`;
    const narrowResult = await importStatement(database.app.db, { provider: "acmepay", fileName: "narrow.csv", bytes: new TextEncoder().encode(narrow), staffId, request });
    expect(narrowResult.import.status).toBe("rejected");
    expect(narrowResult.import.errors).toEqual([{ row: 2, field: "booked_on", reason: "is required." }]);
    // No newline after the last row: the plain path and papaparse both read it.
    const unterminated = fileFor(countersignFormat, [{ reference: "U-1" }, { reference: "U-2" }]).replace(/\n$/, "");
    expect(plainEligible(unterminated)).toBe(true);
    const unterminatedResult = await importStatement(database.app.db, { provider: "acmepay", fileName: "unterminated.csv", bytes: new TextEncoder().encode(unterminated), staffId, request });
    expect([unterminatedResult.import.status, unterminatedResult.import.rowCount]).toEqual(["accepted", 2]);

    // The plain path writes the import and the good rows before it meets the bad one: all of it is rolled back.
    const linesBefore = await database.owner`select count(*)::int as n from statement_lines`;
    const text = fileFor(countersignFormat, [{}, { reference: "Z-1", amount: "1.005" }, { reference: "Z-2" }]);
    const result = await importStatement(database.app.db, { provider: "acmepay", fileName: "bad.csv", bytes: new TextEncoder().encode(text), staffId, request });
    expect(result.import.status).toBe("rejected");
    expect(await database.owner`select count(*)::int as n from statement_lines`).toEqual(linesBefore);
    const imports = await database.owner`select status::text from statement_imports where content_hash = ${result.import.contentHash}`;
    expect(imports.map((row) => row.status)).toEqual(["rejected"]);
    expect(result.import.errors).toEqual([{ row: 2, field: "amount", reason: "has 3 decimal places; EUR amounts have at most 2 decimal places. Amounts are never rounded." }]);
  });
});
