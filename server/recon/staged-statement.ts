import { finished } from "node:stream/promises";
import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { Transaction } from "@/db/client";
import { currencies, formatAmount, MoneyDecimal } from "../money";
import { statementRowsMax, type StatementField, type StatementFormat } from "./formats";
import { StatementReader, type StatementSummary } from "./read-statement";

/**
 * Which statement files papaparse reads as a plain split on the delimiter (stagedEligible,
 * stagedHeader, sameCellCount): for those, importStatement checks the rows with the reader while it
 * COPYs them straight into statement_lines (import-statement.ts, importPlain).
 *
 * The rest of this module (stageFile, writeStaged, stagedVerdicts) was the import's earlier fast
 * way and is no longer on its path: the raw bytes COPYed into a temporary table and checked there
 * with set-based SQL applying the same rules as StatementReader, in the one statement that wrote the
 * good rows. Measured at 250,000 lines, the SQL verdict (about 0.9 s) and the INSERT ... SELECT
 * (about 1.0 s) ran one after the other on one core; checking in Node while PostgreSQL stores the
 * previous chunk overlaps the two. staged-statement.integration.test.ts still proves the SQL and
 * JavaScript verdicts agree row by row on a corpus of good and bad rows for both formats.
 *
 * Only files whose reading by COPY (or a plain split) is certain to equal papaparse's go the fast
 * way: no quote characters (papaparse reads quoted cells), no backslash-dot (COPY's end-of-data
 * marker), not the control character COPY is given as its quote, line ends all LF or all CRLF (COPY
 * refuses a stray carriage return), a header on the first line, and every row as wide as the header
 * (sameCellCount).
 */
export function stagedEligible(text: string): boolean {
  if (text.includes('"') || text.includes("\\.") || text.includes("\u001e")) return false;
  if (text.includes("\r") && /\r(?!\n)|(?<!\r)\n/.test(text)) return false;
  const end = text.indexOf("\n");
  const header = (end < 0 ? text : text.slice(0, end)).replace(/\r$/, "");
  return header.trim() !== "" && end >= 0;
}

/** The header cells of an eligible file (no quotes: papaparse splits it exactly like this). */
export function stagedHeader(text: string, format: StatementFormat): { cells: string[]; reader: StatementReader } | null {
  const end = text.indexOf("\n");
  const cells = text.slice(0, end).replace(/\r$/, "").split(format.delimiter);
  // papaparse skips a first line of only delimiters and spaces and takes the next as the header.
  if (cells.join("").trim() === "") return null;
  const reader = new StatementReader(format);
  reader.header(cells);
  return { cells, reader };
}

/** Characters JavaScript's String.prototype.trim removes (WhiteSpace and LineTerminator). */
const jsSpace = "[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";
const jsTrim = (value: SQL) => sql`regexp_replace(${value}, ${`^${jsSpace}+|${jsSpace}+$`}, '', 'g')`;
/** The length JavaScript sees (UTF-16 code units): characters outside the BMP count twice. */
const jsLength = (value: SQL) => sql`(char_length(${value}) + char_length(regexp_replace(${value}, '[^\\U00010000-\\U0010FFFF]', '', 'g')))`;

/** referencePattern; the length (at most 100) is checked apart: a bounded repetition is slow in PostgreSQL's regex engine. */
const referenceRegex = "^[A-Za-z0-9][A-Za-z0-9._:/-]*$";

/**
 * Whether every data row of an eligible file has exactly the header's number of cells, as the
 * staging COPY needs: it refuses a row with fewer or more, and postgres.js never settles a COPY that
 * fails mid-stream, so such a file must take the reader's path before any COPY (the reader names a
 * short row and, like papaparse, ignores extra cells). A blank row has one cell, so it is caught too.
 */
export function sameCellCount(text: string, delimiter: string, cellCount: number): boolean {
  const delimiterCode = delimiter.charCodeAt(0);
  let cells = 1;
  for (let index = text.indexOf("\n") + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 10) {
      if (cells !== cellCount) return false;
      cells = 1;
    } else if (code === delimiterCode) {
      cells += 1;
    }
  }
  return text.endsWith("\n") || cells === cellCount;
}

/**
 * Copies the raw file's data rows into recon_stage (seq, c1 ... cN: one text column per header
 * cell), one row per line in file order, dropped at commit. COPY splits the cells on the format's
 * delimiter; its quote is a control character an eligible file does not hold, so a cell is taken
 * as written, like papaparse takes an unquoted cell. Only for files where sameCellCount holds.
 */
export async function stageFile(tx: Transaction, bytes: Uint8Array, format: StatementFormat, cellCount: number): Promise<void> {
  const cells = Array.from({ length: cellCount }, (_, index) => `c${index + 1}`);
  await tx.execute(sql.raw(`create temporary table recon_stage (seq bigint generated always as identity, ${cells.map((cell) => `${cell} text`).join(", ")}) on commit drop`));
  const client = (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client;
  const stream = await client.unsafe(`copy recon_stage (${cells.join(", ")}) from stdin with (format csv, header true, delimiter '${format.delimiter}', quote E'\\x1e')`).writable();
  const chunk = 1024 * 1024;
  for (let offset = 0; offset < bytes.byteLength; offset += chunk) {
    if (!stream.write(bytes.subarray(offset, offset + chunk))) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await finished(stream);
}

/** A CASE mapping the words of a vocabulary (exact, case-sensitive) to their values; anything else is null. */
function lookup(value: SQL, words: Record<string, string>): SQL {
  const branches = Object.entries(words).map(([word, meaning]) => sql`when ${word}::text then ${meaning}::text`);
  return sql`(case ${value} ${sql.join(branches, sql` `)} end)`;
}

/**
 * The typed and checked view of the staged cells: one row per staged row with its verdict `ok`.
 * Each level is fenced (offset 0) so that PostgreSQL computes every cell's value once per row
 * instead of inlining the expressions into each check that uses them.
 */
function checkedRows(format: StatementFormat, columns: Partial<Record<StatementField, number>>): SQL {
  const cell = (field: StatementField): SQL => {
    const index = columns[field];
    return index === undefined ? sql`''::text` : sql.raw(`coalesce(s.c${index + 1}, '')`);
  };
  const exponents: Record<string, string> = Object.fromEntries(currencies.map((currency) => [currency.code, String(currency.exponent)]));
  const amountPlain = format.decimal === "," ? sql`case when ${cell("amount")} collate "C" ~ '^-?(0|[1-9][0-9]*)(,[0-9]+)?$' then replace(${cell("amount")}, ',', '.') end` : cell("amount");
  const date = cell("bookedOn");
  // Year, month and day as integers once the shape is right (ISO, or day-first with . or /).
  const shape =
    format.dates === "iso"
      ? sql`${date} collate "C" ~ '^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$'`
      : sql`(${date} collate "C" ~ '^[0-9][0-9]\\.[0-9][0-9]\\.[0-9][0-9][0-9][0-9]$' or ${date} collate "C" ~ '^[0-9][0-9]/[0-9][0-9]/[0-9][0-9][0-9][0-9]$')`;
  const [yearAt, monthAt, dayAt] = format.dates === "iso" ? [1, 6, 9] : [7, 4, 1];
  return sql`
    select v.seq, v.reference, v.kind, v.status, v.currency, v.exponent, v.amount_text, v.booked_on, v.covers, v.description,
           (v.reference collate "C" ~ ${referenceRegex} and char_length(v.reference) <= 100 and v.kind is not null and v.status is not null and v.exponent is not null
            and v.amount_text collate "C" ~ '^(0|[1-9][0-9]*)(\\.[0-9]+)?$' and char_length(v.amount_raw) <= 40
            and (case when v.point = 0 then char_length(v.amount_text) else v.point - 1 end) <= 20
            and (case when v.point = 0 then 0 else char_length(v.amount_text) - v.point end) <= v.exponent
            and translate(v.amount_text, '0.', '') <> ''
            and v.booked_on is not null
            and case when v.kind = 'settlement'
                     then cardinality(v.covers) between 1 and 10000
                          and (select bool_and(ref collate "C" ~ ${referenceRegex} and char_length(ref) <= 100) and count(distinct ref) = count(*) from unnest(v.covers) as ref)
                     else v.covers_raw = '' end
            and (v.description is null or ${jsLength(sql`v.description`)} <= 500)) as ok
      from (select w.*, position('.' in w.amount_text) as point,
                   case when w.y between 2000 and 2100 and w.m between 1 and 12
                         and w.d between 1 and case when w.m = 2 then case when w.y % 4 = 0 and (w.y % 100 <> 0 or w.y % 400 = 0) then 29 else 28 end
                                                    when w.m in (4, 6, 9, 11) then 30 else 31 end
                        then make_date(w.y, w.m, w.d) end as booked_on
              from (select t.*,
                           case when t.date_shaped then substr(t.date_raw, ${sql.raw(String(yearAt))}, 4)::int end as y,
                           case when t.date_shaped then substr(t.date_raw, ${sql.raw(String(monthAt))}, 2)::int end as m,
                           case when t.date_shaped then substr(t.date_raw, ${sql.raw(String(dayAt))}, 2)::int end as d
                      from (select s.seq,
                   ${cell("reference")} as reference,
                   ${lookup(cell("kind"), format.kinds)} as kind,
                   ${lookup(cell("status"), format.statuses)} as status,
                   ${cell("currency")} as currency,
                   ${lookup(cell("currency"), exponents)}::int as exponent,
                   ${cell("amount")} as amount_raw,
                   coalesce(${amountPlain}, '') as amount_text,
                   ${date} as date_raw,
                   ${shape} as date_shaped,
                   ${cell("covers")} as covers_raw,
                   case when ${cell("covers")} = '' then '{}'::text[]
                        else array(select ${jsTrim(sql`part`)} from unnest(string_to_array(${cell("covers")}, ${format.coversSeparator})) with ordinality as p(part, n)
                                    where ${jsTrim(sql`part`)} <> '' order by n) end as covers,
                   case when ${cell("description")} = '' then null else nullif(${jsTrim(cell("description"))}, '') end as description
              from recon_stage s offset 0) t offset 0) w offset 0) v`;
}

/** Per staged row (in file order): whether the SQL checks accept it. For the agreement test. */
export async function stagedVerdicts(tx: Transaction, format: StatementFormat, columns: Partial<Record<StatementField, number>>): Promise<boolean[]> {
  const rows = await tx.execute<{ ok: boolean | null }>(sql`select coalesce(c.ok, false) as ok from (${checkedRows(format, columns)}) c order by c.seq`);
  return [...rows].map((row) => row.ok === true);
}

export interface StagedImport {
  importId: string;
  provider: string;
  fileName: string;
  contentHash: string;
  byteSize: number;
  staffId: string;
}

/**
 * Checks and writes the staged rows in ONE statement, one pass over the staged table: the rows the
 * SQL checks accept become the import's statement lines (the line number is the staged row's seq,
 * which the staging COPY numbers 1, 2, ... in file order), their RETURNING gives the row count,
 * period and totals per currency, and from those the import row itself is inserted, in the same
 * statement, so that the statement-level check on statement_lines (migration 0011) finds it. The
 * caller must hold the import's lock (no twin can insert the same provider and hash meanwhile).
 *
 * Returns the summary when every staged row was good and there are between 1 and
 * statementRowsMax of them. Otherwise it returns null, having written an import that is not
 * complete: the caller must then roll the transaction back and read the file with the JavaScript
 * reader, which names every bad row with its field and reason. A blank row, which papaparse would
 * skip, has no reference and so is never good.
 */
export async function writeStaged(tx: Transaction, format: StatementFormat, columns: Partial<Record<StatementField, number>>, target: StagedImport): Promise<StatementSummary | null> {
  const [result] = await tx.execute<{ rows: number; good: number; date_from: string | null; date_to: string | null; totals: { currency: string; lines: number; amount: string }[] | null }>(sql`
    with lines as (
      insert into statement_lines (import_id, line_no, provider, reference, kind, status, amount, currency, booked_on, covers, description)
      select ${target.importId}::uuid, c.seq, ${target.provider}, c.reference, c.kind::statement_line_kind, c.status, c.amount_text::numeric, c.currency,
             c.booked_on, case when c.kind = 'settlement' then c.covers end, c.description
        from (${checkedRows(format, columns)}) c
       where c.ok
      returning currency, amount, booked_on),
    totals as (
      select currency::text as currency, count(*)::int as lines, sum(amount)::text as amount, min(booked_on) as date_from, max(booked_on) as date_to
        from lines group by currency),
    file as (
      select (select count(*) from recon_stage)::int as rows, coalesce((select sum(lines) from totals), 0)::int as good,
             (select min(date_from) from totals) as date_from, (select max(date_to) from totals) as date_to),
    imported as (
      insert into statement_imports (id, provider, format, file_name, content_hash, byte_size, status, row_count, accepted_rows, rejected_rows, errors,
                                     period_from, period_to, uploaded_by)
      select ${target.importId}::uuid, ${target.provider}, ${format.id}, ${target.fileName}, ${target.contentHash}, ${target.byteSize}, 'accepted',
             f.rows, f.good, f.rows - f.good, '[]'::jsonb, f.date_from, f.date_to, ${target.staffId}::uuid
        from file f
      returning id)
    select f.rows, f.good, f.date_from::text as date_from, f.date_to::text as date_to,
           (select json_agg(json_build_object('currency', t.currency, 'lines', t.lines, 'amount', t.amount)) from totals t) as totals
      from file f cross join imported`);
  if (!result || result.rows === 0 || result.rows > statementRowsMax || result.good !== result.rows) return null;
  const totals = [...(result.totals ?? [])].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return {
    rowCount: result.rows,
    acceptedRows: result.rows,
    rejectedRows: 0,
    errors: [],
    periodFrom: result.date_from,
    periodTo: result.date_to,
    // A sum of amounts that each fit the currency fits it too: formatting asserts so, and never rounds.
    totals: totals.map((row) => ({ currency: row.currency, lines: row.lines, amount: formatAmount(new MoneyDecimal(row.amount), row.currency) })),
  };
}
