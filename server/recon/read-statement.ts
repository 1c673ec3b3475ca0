/**
 * Reads a statement file row by row against its provider's format: the header first (missing
 * columns, a wrong delimiter), then every row (reference, kind, status, amount with the currency's
 * exponent, a known currency, a date that exists). Bad rows are collected as {row, field, reason};
 * good rows are handed on. Used by the browser for the preview and by the server, which decides.
 * Shared with the browser: nothing here may import server-only code.
 */
import Papa from "papaparse";
import { DomainError } from "../errors";
import { checkAmount, findCurrency, formatAmount, fromMinorUnits } from "../money";
import { statementErrorsKept, statementRowsMax, type StatementField, type StatementFormat, type StatementKind, type StatementStatus } from "./formats";

export interface StatementRowError {
  row: number;
  field: string;
  reason: string;
}

export interface StatementLineInput {
  /** 1 = the first data row after the header. */
  lineNo: number;
  reference: string;
  kind: StatementKind;
  status: StatementStatus;
  /** Canonical decimal string, at most the currency's exponent in places. */
  amount: string;
  currency: string;
  bookedOn: string;
  covers: string[] | null;
  description: string | null;
}

export interface StatementSummary {
  rowCount: number;
  acceptedRows: number;
  rejectedRows: number;
  errors: StatementRowError[];
  periodFrom: string | null;
  periodTo: string | null;
  /** Sum of the good rows' amounts per currency. */
  totals: { currency: string; lines: number; amount: string }[];
}

/** A problem with the file as a whole: nothing in it is read further. */
export class StatementFileError extends Error {
  constructor(
    readonly code: "EMPTY_FILE" | "MISSING_COLUMNS" | "WRONG_DELIMITER" | "TOO_MANY_ROWS" | "TOO_LARGE" | "NOT_TEXT",
    message: string,
  ) {
    super(message);
    this.name = "StatementFileError";
  }
}

export const referencePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const descriptionLengthMax = 500;
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayFirstDate = /^(\d{2})([./])(\d{2})\2(\d{4})$/;
const amountOptions = { field: "amount" };
const commaAmount = /^-?(?:0|[1-9][0-9]*)(?:,[0-9]+)?$/;

/**
 * The ISO date of a year, month and day written as digits (four, two and two of them), or null when
 * no such day exists between 2000 and 2100. Gregorian leap years; no Date object (a statement has
 * up to a million dates), and the text is the digits as written, which are already zero-padded.
 */
export function calendarDate(yearText: string, monthText: string, dayText: string): string | null {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (year < 2000 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day > days ? null : `${yearText}-${monthText}-${dayText}`;
}

export class StatementReader {
  private columns: Partial<Record<StatementField, number>> = {};
  private headerSeen = false;
  private rows = 0;
  private accepted = 0;
  private rejected = 0;
  private readonly errors: StatementRowError[] = [];
  private from: string | null = null;
  private to: string | null = null;
  private readonly totals = new Map<string, { lines: number; minor: bigint }>();

  constructor(private readonly format: StatementFormat) {}

  /** The column index of each field found in the header. */
  get columnIndexes(): Partial<Record<StatementField, number>> {
    return { ...this.columns };
  }

  get headerRead(): boolean {
    return this.headerSeen;
  }

  /** Reads the header row; throws StatementFileError when a required column is missing. */
  header(cells: string[]): void {
    const names = cells.map((cell, index) => (index === 0 ? cell.replace(/^\uFEFF/, "") : cell).trim());
    const missing: string[] = [];
    for (const [field, header] of Object.entries(this.format.headers) as [StatementField, string][]) {
      const index = names.indexOf(header);
      if (index >= 0) this.columns[field] = index;
      else if (this.format.requiredFields.includes(field)) missing.push(header);
    }
    if (missing.length > 0) {
      const other = this.format.delimiter === "," ? ";" : ",";
      if (names.length === 1 && (names[0] ?? "").includes(other)) {
        throw new StatementFileError("WRONG_DELIMITER", `The file is separated by "${other}" but this provider's format (${this.format.label}) uses "${this.format.delimiter}".`);
      }
      throw new StatementFileError("MISSING_COLUMNS", `The header lacks ${missing.map((name) => `"${name}"`).join(", ")} (format ${this.format.label}).`);
    }
    this.headerSeen = true;
  }

  /** Reads one data row; returns the line when every field is good, otherwise records why not. */
  row(cells: string[]): StatementLineInput | null {
    this.rows += 1;
    if (this.rows > statementRowsMax) throw new StatementFileError("TOO_MANY_ROWS", `The file has more than ${statementRowsMax.toLocaleString("en-GB")} rows, the most one import takes. Split it by period.`);
    const lineNo = this.rows;
    const problems: StatementRowError[] = [];

    const reference = this.cell(cells, "reference");
    if (!reference) this.fail(problems, lineNo, "reference", "is required.");
    else if (!referencePattern.test(reference)) this.fail(problems, lineNo, "reference", "must be 1-100 letters, digits or . _ : / - and start with a letter or digit.");

    const kindText = this.cell(cells, "kind");
    const kind = Object.hasOwn(this.format.kinds, kindText) ? this.format.kinds[kindText] : undefined;
    if (!kind) this.fail(problems, lineNo, "kind", kindText ? `"${kindText.slice(0, 40)}" is not one of ${Object.keys(this.format.kinds).join(", ")}.` : "is required.");

    const statusText = this.cell(cells, "status");
    const status = Object.hasOwn(this.format.statuses, statusText) ? this.format.statuses[statusText] : undefined;
    if (!status) this.fail(problems, lineNo, "status", statusText ? `"${statusText.slice(0, 40)}" is not one of ${Object.keys(this.format.statuses).join(", ")}.` : "is required.");

    const currency = this.cell(cells, "currency");
    const known = findCurrency(currency);
    if (!currency) this.fail(problems, lineNo, "currency", "is required.");
    else if (!known) this.fail(problems, lineNo, "currency", `"${currency.slice(0, 10)}" is not a currency we hold (codes are upper case, e.g. EUR).`);

    let amount: string | null = null;
    let minor = 0n;
    const amountText = this.cell(cells, "amount");
    if (!amountText) this.fail(problems, lineNo, "amount", "is required.");
    else if (known) {
      let plain = amountText;
      if (this.format.decimal === ",") {
        if (!commaAmount.test(amountText)) {
          this.fail(problems, lineNo, "amount", "must be a plain number with a decimal comma such as 1250,00: no point, spaces, thousands separators or exponent.");
          plain = "";
        } else plain = amountText.replace(",", ".");
      }
      if (plain) {
        try {
          // The money module decides; once it has accepted the text (positive, plain, within the
          // exponent), the canonical spelling and the minor units follow from the digits alone.
          checkAmount(plain, known.code, amountOptions);
          const point = plain.indexOf(".");
          const whole = point < 0 ? plain : plain.slice(0, point);
          const padded = (point < 0 ? "" : plain.slice(point + 1)).padEnd(known.exponent, "0");
          amount = known.exponent === 0 ? whole : `${whole}.${padded}`;
          minor = BigInt(`${whole}${padded}`);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          this.fail(problems, lineNo, "amount", error.message.replace(/^amount /, ""));
        }
      }
    }

    const dateText = this.cell(cells, "bookedOn");
    let bookedOn: string | null = null;
    if (!dateText) this.fail(problems, lineNo, "bookedOn", "is required.");
    else if (this.format.dates === "iso") {
      const match = isoDate.exec(dateText);
      bookedOn = match ? calendarDate(match[1] ?? "", match[2] ?? "", match[3] ?? "") : null;
      if (!bookedOn) this.fail(problems, lineNo, "bookedOn", `"${dateText.slice(0, 20)}" is not a date written YYYY-MM-DD between 2000 and 2100.`);
    } else {
      const match = dayFirstDate.exec(dateText);
      bookedOn = match ? calendarDate(match[4] ?? "", match[3] ?? "", match[1] ?? "") : null;
      if (!bookedOn) this.fail(problems, lineNo, "bookedOn", `"${dateText.slice(0, 20)}" is not a date written DD.MM.YYYY or DD/MM/YYYY between 2000 and 2100.`);
    }

    const coversText = this.cell(cells, "covers");
    let covers: string[] | null = null;
    if (kind === "settlement") {
      covers = coversText.split(this.format.coversSeparator).map((part) => part.trim()).filter(Boolean);
      if (covers.length === 0) this.fail(problems, lineNo, "covers", "a settlement line must name the references it covers.");
      else if (covers.length > 10_000) this.fail(problems, lineNo, "covers", "a settlement line covers at most 10,000 references.");
      else if (covers.some((ref) => !referencePattern.test(ref))) this.fail(problems, lineNo, "covers", "every covered reference must be 1-100 letters, digits or . _ : / -.");
      else if (new Set(covers).size !== covers.length) this.fail(problems, lineNo, "covers", "names a reference twice.");
    } else if (coversText) this.fail(problems, lineNo, "covers", "only a settlement line covers other references.");

    const description = this.cell(cells, "description").trim() || null;
    if (description && description.length > descriptionLengthMax) this.fail(problems, lineNo, "description", `is longer than ${descriptionLengthMax} characters.`);

    if (problems.length > 0 || !kind || !status || !known || !amount || !bookedOn) {
      this.rejected += 1;
      for (const problem of problems) if (this.errors.length < statementErrorsKept) this.errors.push(problem);
      return null;
    }
    this.accepted += 1;
    if (this.from === null || bookedOn < this.from) this.from = bookedOn;
    if (this.to === null || bookedOn > this.to) this.to = bookedOn;
    const total = this.totals.get(known.code) ?? { lines: 0, minor: 0n };
    total.lines += 1;
    total.minor += minor;
    this.totals.set(known.code, total);
    return { lineNo, reference, kind, status, amount, currency: known.code, bookedOn, covers, description };
  }

  private fail(problems: StatementRowError[], lineNo: number, field: StatementField, reason: string): void {
    problems.push({ row: lineNo, field: this.format.headers[field], reason });
  }

  /** Cells are taken as written: " 10.00" is refused like the money module refuses it. */
  private cell(cells: string[], field: StatementField): string {
    const index = this.columns[field];
    return index === undefined ? "" : (cells[index] ?? "");
  }

  /** The result so far; throws when the file held no header or no rows. */
  summary(): StatementSummary {
    if (!this.headerSeen || this.rows === 0) throw new StatementFileError("EMPTY_FILE", "The file has no statement rows (it is empty or holds only a header).");
    return {
      rowCount: this.rows,
      acceptedRows: this.accepted,
      rejectedRows: this.rejected,
      errors: this.errors,
      periodFrom: this.from,
      periodTo: this.to,
      totals: [...this.totals]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, total]) => ({ currency, lines: total.lines, amount: formatAmount(fromMinorUnits(total.minor, currency), currency) })),
    };
  }
}

/** The stated rule: one bad row refuses the whole file; it is recorded as rejected with no lines. */
export function importDecision(summary: StatementSummary): "accepted" | "rejected" {
  return summary.rejectedRows === 0 ? "accepted" : "rejected";
}

/**
 * Reads a whole statement text with papaparse, row by row (never the whole file as objects), and
 * hands each good line to `onLine`. File-level problems throw StatementFileError.
 */
export function readStatementText(text: string, format: StatementFormat, onLine: (line: StatementLineInput) => void): StatementSummary {
  const reader = new StatementReader(format);
  let failure: unknown = null;
  // papaparse streams a string in chunks too (its typings name chunk for files only): a chunk of
  // rows per call is much cheaper than a callback per row, and the whole file never becomes objects.
  const config: Papa.ParseConfig<string[]> & { chunkSize: number; chunk: (result: Papa.ParseResult<string[]>, parser: Papa.Parser) => void } = {
    delimiter: format.delimiter,
    skipEmptyLines: "greedy",
    chunkSize: 1024 * 1024,
    chunk: (result, parser) => {
      if (failure) return;
      try {
        for (const cells of result.data) {
          if (!reader.headerRead) reader.header(cells);
          else {
            const line = reader.row(cells);
            if (line) onLine(line);
          }
        }
      } catch (error) {
        failure = error;
        parser.abort();
      }
    },
  };
  Papa.parse<string[]>(text, config);
  if (failure) throw failure;
  return reader.summary();
}

