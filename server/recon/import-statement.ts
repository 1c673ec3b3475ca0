import { createHash } from "node:crypto";
import { finished } from "node:stream/promises";
import { and, eq, sql } from "drizzle-orm";
import type postgres from "postgres";
import { uuidv7 } from "uuidv7";
import type { Database, Transaction } from "@/db/client";
import { statementImports } from "@/db/schema";
import { appendAuditEvent, recordAuditEvent, type AuditActor, type RequestMeta } from "../audit/append-audit-event";
import { DomainError } from "../errors";
import { formatForProvider, statementBytesMax, statementRowsMax, type StatementFormat } from "./formats";
import { sameCellCount, plainEligible, plainHeader } from "./plain-statement";
import { calendarDate, importDecision, readStatementText, StatementFileError, type StatementLineInput, type StatementReader, type StatementSummary } from "./read-statement";

export interface ImportStatementInput {
  provider: string;
  fileName: string;
  bytes: Uint8Array;
  staffId: string;
  request: RequestMeta;
}

export type StatementImportRow = typeof statementImports.$inferSelect;

export interface ImportStatementResult {
  import: StatementImportRow;
  /** True when this exact file (same provider, same SHA-256) was imported before: that import is returned. */
  duplicate: boolean;
  /** The file as read now; null for a duplicate (see the stored import). */
  summary: StatementSummary | null;
}

/** Rows per COPY write. */
const copyChunkRows = 5_000;

/** postgres.js's own transaction handle under a Drizzle transaction, for COPY FROM STDIN. */
export function rawClient(tx: Transaction): postgres.TransactionSql {
  return (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client;
}

function tsv(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/**
 * One statement_lines row as COPY text, `provider` already escaped. References (the line's and the
 * covered ones) are pattern-checked (letters, digits and . _ : / -), so they need no escaping and
 * the array literal no quoting; the description is the one free text.
 */
function copyLine(importId: string, provider: string, line: StatementLineInput): string {
  const covers = line.covers ? `{${line.covers.join(",")}}` : "\\N";
  return `${importId}\t${line.lineNo}\t${provider}\t${line.reference}\t${line.kind}\t${line.status}\t${line.amount}\t${line.currency}\t${line.bookedOn}\t${covers}\t${tsv(line.description)}\n`;
}

export const copyLineColumns = ["import_id", "line_no", "provider", "reference", "kind", "status", "amount", "currency", "booked_on", "covers", "description"];

async function copyLines(tx: Transaction, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const stream = await rawClient(tx).unsafe(`copy statement_lines (${copyLineColumns.join(", ")}) from stdin`).writable();
  for (let index = 0; index < lines.length; index += copyChunkRows) {
    if (!stream.write(lines.slice(index, index + copyChunkRows).join(""))) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await finished(stream);
}

class DuplicateUpload extends Error {}

async function findImport(db: Database, provider: string, contentHash: string): Promise<StatementImportRow | undefined> {
  const [row] = await db.select().from(statementImports).where(and(eq(statementImports.provider, provider), eq(statementImports.contentHash, contentHash)));
  return row;
}

/** A file refused as a whole: a 4xx naming the field (413 when too large), nothing written. */
export class StatementRefused extends DomainError {
  constructor(
    readonly fileCode: StatementFileError["code"] | "UNKNOWN_PROVIDER",
    message: string,
    field: string,
  ) {
    super("VALIDATION", message, { field });
  }
}

function fileError(code: StatementRefused["fileCode"], message: string, field = "file"): StatementRefused {
  return new StatementRefused(code, message, field);
}

/**
 * Imports one provider statement. Every row is validated; the stated rule is all or nothing: one bad
 * row rejects the file, which is recorded as a rejected import with its bad rows and no lines. A
 * good file is written in ONE transaction: the import row, every line (COPY) and the audit record.
 * The same provider and content hash is the same import: a re-upload, even a concurrent twin,
 * answers with the stored import. A file-level problem (empty, too large, wrong delimiter, missing
 * columns, too many rows) writes nothing but a failed audit record.
 */
export async function importStatement(db: Database, input: ImportStatementInput): Promise<ImportStatementResult> {
  const actor: AuditActor = { type: "staff", id: input.staffId };
  const target = { type: "statement_import", id: input.provider };
  const refuse = async (error: StatementRefused): Promise<never> => {
    await recordAuditEvent(db, { actor, action: "recon.statement_import", outcome: "failed", target, details: { provider: input.provider, fileName: input.fileName, bytes: input.bytes.byteLength, error: error.message }, request: input.request });
    throw error;
  };
  const format = formatForProvider(input.provider);
  if (!format) return refuse(fileError("UNKNOWN_PROVIDER", `provider "${input.provider.slice(0, 40)}" has no statement format.`, "provider"));
  if (input.bytes.byteLength === 0) return refuse(fileError("EMPTY_FILE", "The file is empty."));
  if (input.bytes.byteLength > statementBytesMax) return refuse(fileError("TOO_LARGE", `The file is ${input.bytes.byteLength} bytes; statements are limited to ${statementBytesMax} bytes.`));
  const contentHash = createHash("sha256").update(input.bytes).digest("hex");
  const existing = await findImport(db, input.provider, contentHash);
  if (existing) return { import: existing, duplicate: true, summary: null };

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(input.bytes);
  } catch {
    return refuse(fileError("NOT_TEXT", "The file is not UTF-8 text."));
  }
  if (text.includes("\u0000")) return refuse(fileError("NOT_TEXT", "The file holds binary data (NUL bytes), not CSV text."));

  const fileName = input.fileName.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200) || "statement.csv";
  if (plainEligible(text)) {
    let plain: ImportStatementResult | null = null;
    try {
      const header = plainHeader(text, format);
      const scan = header && sameCellCount(text, format.delimiter, header.cells.length) ? scanPlain(text, format, header.reader) : null;
      if (header && scan) plain = await importPlain(db, input, { format, reader: header.reader, scan, text, fileName, contentHash, actor });
    } catch (error) {
      if (error instanceof StatementFileError) return refuse(fileError(error.code, error.message));
      if (error instanceof DuplicateUpload) return twinOf(db, input.provider, contentHash);
      throw error;
    }
    if (plain) return plain;
  }

  const importId = uuidv7();
  const provider = tsv(input.provider);
  const lines: string[] = [];
  let summary: StatementSummary;
  try {
    summary = readStatementText(text, format, (line) => lines.push(copyLine(importId, provider, line)));
  } catch (error) {
    if (error instanceof StatementFileError) return refuse(fileError(error.code, error.message));
    throw error;
  }
  const status = importDecision(summary);
  if (status === "rejected") lines.length = 0;

  try {
    const file = { input, importId, format, fileName, contentHash, actor };
    const row = await db.transaction(async (tx) => {
      // For a rejected file the counts are of the rows that were valid and invalid; none is stored.
      const inserted = await insertImport(tx, file, {
        status,
        rowCount: summary.rowCount,
        acceptedRows: summary.acceptedRows,
        rejectedRows: summary.rejectedRows,
        errors: summary.errors,
        periodFrom: status === "accepted" ? summary.periodFrom : null,
        periodTo: status === "accepted" ? summary.periodTo : null,
      });
      await copyLines(tx, lines);
      await auditImport(tx, file, status, summary);
      return inserted;
    });
    return { import: row, duplicate: false, summary };
  } catch (error) {
    if (!(error instanceof DuplicateUpload)) throw error;
    return twinOf(db, input.provider, contentHash);
  }
}

/** One upload as both paths write it: the import row's identity and who is importing. */
interface ImportedFile {
  input: ImportStatementInput;
  importId: string;
  format: StatementFormat;
  fileName: string;
  contentHash: string;
  actor: AuditActor;
}

type ImportOutcome = Pick<typeof statementImports.$inferInsert, "status" | "rowCount" | "acceptedRows" | "rejectedRows" | "errors" | "periodFrom" | "periodTo">;

/** The import row, first in its transaction; a twin that holds the provider and hash already throws DuplicateUpload. */
async function insertImport(tx: Transaction, file: ImportedFile, outcome: ImportOutcome) {
  await tx.execute(sql`set local statement_timeout = '10min'`);
  const [inserted] = await tx
    .insert(statementImports)
    .values({
      id: file.importId,
      provider: file.input.provider,
      format: file.format.id,
      fileName: file.fileName,
      contentHash: file.contentHash,
      byteSize: file.input.bytes.byteLength,
      uploadedBy: file.input.staffId,
      ...outcome,
    })
    .onConflictDoNothing()
    .returning();
  if (!inserted) throw new DuplicateUpload();
  return inserted;
}

/** The import's audit record, in its transaction. */
async function auditImport(tx: Transaction, file: ImportedFile, status: string, summary: StatementSummary): Promise<void> {
  const { input } = file;
  await appendAuditEvent(tx, {
    actor: file.actor,
    action: "recon.statement_import",
    outcome: "success",
    target: { type: "statement_import", id: file.importId },
    details: { provider: input.provider, format: file.format.id, fileName: file.fileName, contentHash: file.contentHash, bytes: input.bytes.byteLength, status, rows: summary.rowCount, badRows: summary.rejectedRows },
    request: input.request,
  });
}

/** The stored import a concurrent twin (same provider and content hash) wrote first. */
async function twinOf(db: Database, provider: string, contentHash: string): Promise<ImportStatementResult> {
  const twin = await findImport(db, provider, contentHash);
  if (!twin) throw new Error("a concurrent import of the same file conflicted but cannot be found");
  return { import: twin, duplicate: true, summary: null };
}

/** What the quick first pass over a plain file found: its data rows and the period their dates span. */
interface PlainScan {
  rows: number;
  periodFrom: string;
  periodTo: string;
}

/** The ISO spelling of a date cell as the reader would store it, or null when it is not shaped like a date. */
function isoOf(cell: string, format: StatementFormat): string | null {
  if (cell.length !== 10) return null;
  return format.dates === "iso" ? cell : `${cell.slice(6, 10)}-${cell.slice(3, 5)}-${cell.slice(0, 2)}`;
}

/**
 * The first, quick pass over a plain file (no quotes, one kind of line end, every row as wide as
 * the header: see plainEligible and sameCellCount, under which papaparse reads a row as a plain
 * split on the delimiter): the number of data rows and the earliest and latest date cell. These
 * are what the import row needs before its lines can be written. Nothing here decides whether a
 * row is good: that is the reader's, in importPlain, which compares its own count and period with
 * these. Null when the file cannot take that way (more rows than an import takes, a date cell of
 * the wrong length): the papaparse reader then decides and explains.
 */
function scanPlain(text: string, format: StatementFormat, reader: StatementReader): PlainScan | null {
  const dateColumn = reader.columnIndexes.bookedOn;
  if (dateColumn === undefined) return null;
  const delimiter = format.delimiter;
  let rows = 0;
  let periodFrom: string | null = null;
  let periodTo: string | null = null;
  for (let start = text.indexOf("\n") + 1; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let cellStart = start;
    for (let column = 0; column < dateColumn; column += 1) cellStart = text.indexOf(delimiter, cellStart) + 1;
    let cellEnd = text.indexOf(delimiter, cellStart);
    if (cellEnd < 0 || cellEnd > end) cellEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const date = isoOf(text.slice(cellStart, cellEnd), format);
    if (date === null) return null;
    if (periodFrom === null || date < periodFrom) periodFrom = date;
    if (periodTo === null || date > periodTo) periodTo = date;
    rows += 1;
    if (rows > statementRowsMax) return null;
    start = end + 1;
  }
  // Only the ends are parsed here (a bad date anywhere else is the reader's to find): the import row needs real dates.
  if (periodFrom === null || periodTo === null || !realDate(periodFrom) || !realDate(periodTo)) return null;
  return { rows, periodFrom, periodTo };
}

function realDate(iso: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && calendarDate(iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)) === iso;
}

class NotPlain extends Error {}

/**
 * The fast way for a plain file: ONE transaction writes the import row (accepted, with the count
 * and period of the first pass), then reads the rows with the StatementReader while it COPYs them
 * straight into statement_lines, chunk by chunk, so that PostgreSQL stores one chunk while the next
 * is checked; then the audit record. The import row comes first because the statement-level check
 * on statement_lines (migration 0011) runs when the COPY ends and needs it. The moment a row is not
 * good the COPY is ended and the transaction rolled back (nothing is kept), and null is answered:
 * the caller then reads the whole file with readStatementText, which names every bad row exactly as
 * for any other file. The reader's own count and period must equal the first pass's, or the import
 * is rolled back the same way. A concurrent twin throws DuplicateUpload (the import row conflicts).
 */
async function importPlain(
  db: Database,
  input: ImportStatementInput,
  context: { format: StatementFormat; reader: StatementReader; scan: PlainScan; text: string; fileName: string; contentHash: string; actor: AuditActor },
): Promise<ImportStatementResult | null> {
  const { format, reader, scan, text, fileName, contentHash, actor } = context;
  const importId = uuidv7();
  const provider = tsv(input.provider);
  try {
    const file = { input, importId, format, fileName, contentHash, actor };
    return await db.transaction(async (tx) => {
      const inserted = await insertImport(tx, file, { status: "accepted", rowCount: scan.rows, acceptedRows: scan.rows, rejectedRows: 0, errors: [], periodFrom: scan.periodFrom, periodTo: scan.periodTo });
      const stream = await rawClient(tx).unsafe(`copy statement_lines (${copyLineColumns.join(", ")}) from stdin`).writable();
      let good = true;
      try {
        let chunk = "";
        let chunkRows = 0;
        for (let start = text.indexOf("\n") + 1; start < text.length; ) {
          let end = text.indexOf("\n", start);
          if (end < 0) end = text.length;
          const row = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
          start = end + 1;
          const line = reader.row(row.split(format.delimiter));
          if (!line) {
            good = false;
            break;
          }
          chunk += copyLine(importId, provider, line);
          chunkRows += 1;
          if (chunkRows === copyChunkRows) {
            if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
            chunk = "";
            chunkRows = 0;
          }
        }
        if (chunk) stream.write(chunk);
      } catch (error) {
        if (!(error instanceof StatementFileError)) throw error;
        good = false;
      } finally {
        // Ended, never abandoned: the connection stays usable and the rollback below drops what it wrote.
        stream.end();
        await finished(stream);
      }
      if (!good) throw new NotPlain("a row is not good");
      const summary = reader.summary();
      if (summary.rowCount !== scan.rows || summary.rejectedRows !== 0 || summary.periodFrom !== scan.periodFrom || summary.periodTo !== scan.periodTo) {
        throw new NotPlain("the reader and the first pass disagree");
      }
      await auditImport(tx, file, "accepted", summary);
      return { import: inserted, duplicate: false, summary };
    });
  } catch (error) {
    if (error instanceof NotPlain) return null;
    throw error;
  }
}
