import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { storedLinesDiffer } from "@/test/support/recon";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { countersignFormat, europeanFormat, type StatementFormat } from "./formats";
import { importStatement } from "./import-statement";
import { readStatementText, type StatementLineInput } from "./read-statement";

/**
 * A plain file (no quotes, one kind of line end, every row as wide as the header) is imported by
 * checking its rows with the reader while COPYing them straight into statement_lines, behind an
 * import row written first from a quick pass (count and period). These tests hold that way to the
 * papaparse reader (readStatementText): the same lines and summary for a good file, and for a file
 * with a bad row, whatever was already COPYed is rolled back and the error list is exactly the
 * reader's.
 */
const request = { correlationId: "recon-plain-0001", ip: "127.0.0.1", userAgent: "vitest" };

interface Row {
  reference: string;
  kind?: string;
  status?: string;
  amount?: string;
  currency?: string;
  bookedOn?: string;
  covers?: string;
  description?: string;
}

function fileFor(format: StatementFormat, rows: Row[], newline = "\n", terminated = true): string {
  const eu = format === europeanFormat;
  const h = format.headers;
  const header = [h.reference, h.kind, h.status, h.amount, h.currency, h.bookedOn, h.covers, h.description].join(format.delimiter);
  const body = rows.map((row) => {
    const cells = { kind: eu ? "PAYIN" : "payment", status: eu ? "SETTLED" : "paid", amount: eu ? "12,50" : "12.50", currency: "EUR", bookedOn: eu ? "15.01.2026" : "2026-01-15", covers: "", description: "", ...row };
    return [cells.reference, cells.kind, cells.status, cells.amount, cells.currency, cells.bookedOn, cells.covers, cells.description].join(format.delimiter);
  });
  return `${header}${newline}${body.join(newline)}${terminated ? newline : ""}`;
}

/** Many good rows in both formats' spellings, with settlements, descriptions to escape and dates across a leap day. */
function goodRows(format: StatementFormat, tag: string, count: number): Row[] {
  const eu = format === europeanFormat;
  const rows: Row[] = [];
  for (let index = 1; index <= count; index += 1) {
    const day = (index % 29) + 1;
    const iso = `2024-02-${String(day).padStart(2, "0")}`;
    const row: Row = {
      reference: `${tag}-${index}`,
      amount: eu ? `${index},${String(index % 100).padStart(2, "0")}` : `${index}.${String(index % 10)}`,
      currency: ["EUR", "JPY", "BTC"][index % 3] ?? "EUR",
      bookedOn: eu ? `${iso.slice(8, 10)}${index % 2 ? ".02." : "/02/"}2024` : iso,
      description: index % 7 === 0 ? ` back\\slash =SUM(A1) ${index} ` : "",
    };
    if (row.currency === "JPY") row.amount = String(index);
    if (index % 11 === 0) Object.assign(row, { kind: eu ? "SETTLEMENT" : "settlement", covers: ` ${tag}-${index - 1} |${tag}-${index - 2}` });
    if (index % 13 === 0) row.status = eu ? "PENDING" : "pending";
    rows.push(row);
  }
  return rows;
}

describe("plain statement import", () => {
  let database: TestDatabase;
  let staffId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 5 });
    staffId = (await signedInCaller(database.app.db, "finance")).member.id;
  }, 120_000);
  afterAll(() => database.drop());

  const providerOf = (format: StatementFormat) => (format === europeanFormat ? "globalpsp" : "acmepay");

  for (const format of [countersignFormat, europeanFormat]) {
    for (const [newline, terminated] of [["\n", true], ["\r\n", true], ["\n", false]] as const) {
      it(`stores exactly the reader's lines and summary (${format.id}, ${JSON.stringify(newline)}${terminated ? "" : ", no final newline"})`, async () => {
        const text = fileFor(format, goodRows(format, `G${newline.length}${terminated ? "t" : "u"}`, 12_000), newline, terminated);
        const expected: StatementLineInput[] = [];
        const summary = readStatementText(text, format, (line) => expected.push(line));
        expect(summary.rejectedRows).toBe(0);
        const result = await importStatement(database.app.db, { provider: providerOf(format), fileName: "plain.csv", bytes: new TextEncoder().encode(text), staffId, request });
        expect(result.duplicate).toBe(false);
        expect(result.summary).toEqual(summary);
        expect([result.import.status, result.import.rowCount, result.import.acceptedRows, result.import.rejectedRows]).toEqual(["accepted", 12_000, 12_000, 0]);
        expect([result.import.periodFrom, result.import.periodTo]).toEqual([summary.periodFrom, summary.periodTo]);
        expect(await storedLinesDiffer(database.owner, result.import.id, expected)).toEqual([]);
        const audits = await database.owner`select outcome::text, details::jsonb->>'rows' as rows from audit_events where target_id = ${result.import.id}`;
        expect(audits.map((audit) => [audit.outcome, audit.rows])).toEqual([["success", "12000"]]);
      });
    }

    it(`rolls back what it already COPYed when a row far down is bad, and records the reader's exact errors (${format.id})`, async () => {
      const eu = format === europeanFormat;
      const rows = goodRows(format, "B", 11_000);
      // After two COPY chunks: a bad amount, then later a bad date (inside the period, so the first pass
      // takes it for a date) and a bad currency in one row.
      rows[10_499] = { ...rows[10_499], reference: "B-10500", amount: eu ? "1,005" : "1.005", currency: "EUR" };
      rows[10_900] = { ...rows[10_900], reference: "B-10901", bookedOn: eu ? "1x.02.2024" : "2024-02-1x", currency: "eur" };
      const text = fileFor(format, rows);
      const reference = readStatementText(text, format, () => undefined);
      expect(reference.errors.length).toBe(3);
      const linesBefore = await database.owner`select count(*)::int as n from statement_lines`;
      const result = await importStatement(database.app.db, { provider: providerOf(format), fileName: "bad.csv", bytes: new TextEncoder().encode(text), staffId, request });
      expect(result.import.status).toBe("rejected");
      expect(result.import.errors).toEqual(reference.errors);
      expect([result.import.rowCount, result.import.acceptedRows, result.import.rejectedRows]).toEqual([11_000, 10_998, 2]);
      expect(result.import.errors[0]).toEqual({ row: 10_500, field: format.headers.amount, reason: "has 3 decimal places; EUR amounts have at most 2 decimal places. Amounts are never rounded." });
      expect(await database.owner`select count(*)::int as n from statement_lines`).toEqual(linesBefore);
      const imports = await database.owner`select status::text from statement_imports where content_hash = ${result.import.contentHash}`;
      expect(imports.map((row) => row.status)).toEqual(["rejected"]);
    });
  }

  it("answers the stored import for the same file, also for two concurrent uploads of it", async () => {
    const text = fileFor(countersignFormat, goodRows(countersignFormat, "T", 6_000));
    const upload = () => importStatement(database.app.db, { provider: "acmepay", fileName: "twin.csv", bytes: new TextEncoder().encode(text), staffId, request });
    const [first, second] = await Promise.all([upload(), upload()]);
    expect(first?.import.id).toBe(second?.import.id);
    expect([first?.duplicate, second?.duplicate].filter(Boolean)).toHaveLength(1);
    const again = await upload();
    expect([again.duplicate, again.import.id]).toEqual([true, first?.import.id]);
    const lines = await database.owner`select count(*)::int as n from statement_lines where import_id = ${first?.import.id ?? null}`;
    expect(lines[0]?.n).toBe(6_000);
  });

  it("takes the reader's way for a file a plain split could read differently, with the same result", async () => {
    // A quoted cell (papaparse unquotes it) and a short row (the reader names its missing cells).
    const quoted = fileFor(countersignFormat, [{ reference: "Q-1", description: '"a, quoted; description"' }, { reference: "Q-2" }]);
    const result = await importStatement(database.app.db, { provider: "acmepay", fileName: "quoted.csv", bytes: new TextEncoder().encode(quoted), staffId, request });
    expect(result.import.status).toBe("accepted");
    const [line] = await database.owner`select description from statement_lines where import_id = ${result.import.id} and line_no = 1`;
    expect(line?.description).toBe("a, quoted; description");
    const blank = `${fileFor(countersignFormat, [{ reference: "K-1" }])}\n${fileFor(countersignFormat, [{ reference: "K-2" }]).split("\n")[1] ?? ""}\n`;
    const blankResult = await importStatement(database.app.db, { provider: "acmepay", fileName: "blank.csv", bytes: new TextEncoder().encode(blank), staffId, request });
    // papaparse skips the blank line: two rows, both good.
    expect([blankResult.import.status, blankResult.import.rowCount]).toEqual(["accepted", 2]);
  });
});
