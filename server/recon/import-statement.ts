import { createHash } from "node:crypto";
import { finished } from "node:stream/promises";
import { and, eq, sql } from "drizzle-orm";
import type postgres from "postgres";
import { uuidv7 } from "uuidv7";
import type { Database, Transaction } from "@/db/client";
import { statementImports } from "@/db/schema";
import { appendAuditEvent, recordAuditEvent, type AuditActor, type RequestMeta } from "../audit/append-audit-event";
import { DomainError } from "../errors";
import { formatForProvider, statementBytesMax, type StatementFormat } from "./formats";
import { sameCellCount, stagedEligible, stagedHeader, stageFile, writeStaged } from "./staged-statement";
import { importDecision, readStatementText, StatementFileError, type StatementLineInput, type StatementSummary } from "./read-statement";

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

/** One statement_lines row as COPY text; references are pattern-checked, so the array literal needs no quoting. */
function copyLine(importId: string, provider: string, line: StatementLineInput): string {
  const covers = line.covers ? `{${line.covers.join(",")}}` : "\\N";
  return `${importId}\t${line.lineNo}\t${tsv(provider)}\t${tsv(line.reference)}\t${line.kind}\t${line.status}\t${line.amount}\t${line.currency}\t${line.bookedOn}\t${covers}\t${tsv(line.description)}\n`;
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
  if (stagedEligible(text)) {
    let header: ReturnType<typeof stagedHeader> = null;
    try {
      header = stagedHeader(text, format);
    } catch (error) {
      if (error instanceof StatementFileError) return refuse(fileError(error.code, error.message));
      throw error;
    }
    const staged = header && sameCellCount(text, format.delimiter, header.cells.length) ? await importStaged(db, input, { format, header, fileName, contentHash, actor }) : null;
    if (staged) return staged;
  }

  const importId = uuidv7();
  const lines: string[] = [];
  let summary: StatementSummary;
  try {
    summary = readStatementText(text, format, (line) => lines.push(copyLine(importId, input.provider, line)));
  } catch (error) {
    if (error instanceof StatementFileError) return refuse(fileError(error.code, error.message));
    throw error;
  }
  const status = importDecision(summary);
  if (status === "rejected") lines.length = 0;

  try {
    const row = await db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = '10min'`);
      const [inserted] = await tx
        .insert(statementImports)
        .values({
          id: importId,
          provider: input.provider,
          format: format.id,
          fileName,
          contentHash,
          byteSize: input.bytes.byteLength,
          status,
          rowCount: summary.rowCount,
          // For a rejected file these count the rows that were valid and invalid; none is stored.
          acceptedRows: summary.acceptedRows,
          rejectedRows: summary.rejectedRows,
          errors: summary.errors,
          periodFrom: status === "accepted" ? summary.periodFrom : null,
          periodTo: status === "accepted" ? summary.periodTo : null,
          uploadedBy: input.staffId,
        })
        .onConflictDoNothing()
        .returning();
      if (!inserted) throw new DuplicateUpload();
      await copyLines(tx, lines);
      await appendAuditEvent(tx, {
        actor,
        action: "recon.statement_import",
        outcome: "success",
        target: { type: "statement_import", id: importId },
        details: { provider: input.provider, format: format.id, fileName, contentHash, bytes: input.bytes.byteLength, status, rows: summary.rowCount, badRows: summary.rejectedRows },
        request: input.request,
      });
      return inserted;
    });
    return { import: row, duplicate: false, summary };
  } catch (error) {
    if (!(error instanceof DuplicateUpload)) throw error;
    const twin = await findImport(db, input.provider, contentHash);
    if (!twin) throw new Error("a concurrent import of the same file conflicted but cannot be found");
    return { import: twin, duplicate: true, summary: null };
  }
}

class NotStaged extends Error {}

/** Transaction-scoped advisory locks of statement imports: (this class, a hash of provider and content hash). */
const importLockClass = 7243400;

/**
 * The fast way for a file COPY reads exactly like papaparse (see staged-statement.ts): the raw
 * bytes are COPYed into a temporary table, then ONE statement checks every row in SQL, writes the
 * good ones as lines and the import row from their count, period and totals, all in the one
 * transaction with the audit record. The import row is written with its lines, so a concurrent
 * twin (the same provider and content hash) is kept out by a lock on that pair taken first, and
 * the stored import is looked for again once the lock is held. Answers null, having written
 * nothing (the transaction is rolled back), when any row is not good: the caller then reads the
 * file with the JavaScript reader, which names every bad row and records the rejected import.
 */
async function importStaged(
  db: Database,
  input: ImportStatementInput,
  context: { format: StatementFormat; header: NonNullable<ReturnType<typeof stagedHeader>>; fileName: string; contentHash: string; actor: AuditActor },
): Promise<ImportStatementResult | null> {
  const { format, header, fileName, contentHash, actor } = context;
  const importId = uuidv7();
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = '10min'`);
      // The lines' RETURNING is held until the statement ends (about 30 bytes a line): in memory for a full file.
      await tx.execute(sql`set local work_mem = '64MB'`);
      await tx.execute(sql`select pg_advisory_xact_lock(${importLockClass}, hashtext(${`${input.provider}:${contentHash}`}))`);
      const [twin] = await tx.select().from(statementImports).where(and(eq(statementImports.provider, input.provider), eq(statementImports.contentHash, contentHash)));
      if (twin) return { import: twin, duplicate: true, summary: null };
      await stageFile(tx, input.bytes, format, header.cells.length);
      const summary = await writeStaged(tx, format, header.reader.columnIndexes, { importId, provider: input.provider, fileName, contentHash, byteSize: input.bytes.byteLength, staffId: input.staffId });
      if (!summary) throw new NotStaged("a row is not good");
      const [inserted] = await tx.select().from(statementImports).where(eq(statementImports.id, importId));
      if (!inserted) throw new Error("the staged import row was not written");
      await appendAuditEvent(tx, {
        actor,
        action: "recon.statement_import",
        outcome: "success",
        target: { type: "statement_import", id: importId },
        details: { provider: input.provider, format: format.id, fileName, contentHash, bytes: input.bytes.byteLength, status: "accepted", rows: summary.rowCount, badRows: 0 },
        request: input.request,
      });
      return { import: inserted, duplicate: false, summary };
    });
  } catch (error) {
    if (error instanceof NotStaged) return null;
    throw error;
  }
}
