import { finished } from "node:stream/promises";
import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { Transaction } from "@/db/client";
import { currencies, formatAmount, fromMinorUnits } from "../money";
import { statementRowsMax, type StatementField, type StatementFormat } from "./formats";
import { StatementReader, type StatementSummary } from "./read-statement";

/**
 * The fast way in for a statement: the raw bytes go to PostgreSQL with one COPY into a temporary
 * table of lines, split into cells and checked there with set-based SQL that applies the same
 * rules as StatementReader (server/recon/read-statement.ts). The SQL only decides whether EVERY row
 * is good; the moment anything is off (a bad row, a blank row, more rows than the limit) the
 * caller falls back to the JavaScript reader, which
 * then names every bad row with its field and reason. So the messages a person sees always come
 * from one place, and the SQL never has to be more than a verdict per row.
 * staged-statement.integration.test.ts proves the two verdicts agree row by row on a corpus of
 * good and bad rows for both formats.
 *
 * Only files whose CSV reading by COPY is certain to equal papaparse's go this way: no quote
 * characters (papaparse reads quoted cells), no backslash-dot (COPY's end-of-data marker), none of
 * the two control characters COPY is given as delimiter and quote, line ends all LF or all CRLF
 * (COPY refuses a stray carriage return), and a header on the first line.
 */
export function stagedEligible(text: string): boolean {
  if (text.includes('"') || text.includes("\\.") || text.includes("\u001e") || text.includes("\u001f")) return false;
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
 * Copies the raw file's data rows into recon_stage (seq, line), one row per line in file order,
 * dropped at commit. Each line is one cell (the delimiter and quote given to COPY are control
 * characters an eligible file does not hold), so no row can make COPY fail: a row with fewer or
 * more cells than the header is read like papaparse reads it, by the split in checkedRows.
 */
export async function stageFile(tx: Transaction, bytes: Uint8Array): Promise<void> {
  await tx.execute(sql`create temporary table recon_stage (seq bigint generated always as identity, line text) on commit drop`);
  const client = (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client;
  const stream = await client.unsafe(`copy recon_stage (line) from stdin with (format csv, header true, delimiter E'\\x1f', quote E'\\x1e')`).writable();
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
    return index === undefined ? sql`''::text` : sql.raw(`coalesce(s.cells[${index + 1}], '')`);
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
              from (select s.seq,
                   ${cell("reference")} as reference,
                   ${lookup(cell("kind"), format.kinds)} as kind,
                   ${lookup(cell("status"), format.statuses)} as status,
                   ${cell("currency")} as currency,
                   ${lookup(cell("currency"), exponents)}::int as exponent,
                   ${cell("amount")} as amount_raw,
                   coalesce(${amountPlain}, '') as amount_text,
                   case when ${shape} then substr(${date}, ${sql.raw(String(yearAt))}, 4)::int end as y,
                   case when ${shape} then substr(${date}, ${sql.raw(String(monthAt))}, 2)::int end as m,
                   case when ${shape} then substr(${date}, ${sql.raw(String(dayAt))}, 2)::int end as d,
                   ${cell("covers")} as covers_raw,
                   case when ${cell("covers")} = '' then '{}'::text[]
                        else array(select ${jsTrim(sql`part`)} from unnest(string_to_array(${cell("covers")}, ${format.coversSeparator})) with ordinality as p(part, n)
                                    where ${jsTrim(sql`part`)} <> '' order by n) end as covers,
                   case when ${cell("description")} = '' then null else nullif(${jsTrim(cell("description"))}, '') end as description
              from (select seq, string_to_array(line, ${format.delimiter}::text) as cells from recon_stage offset 0) s offset 0) w offset 0) v`;
}

/** Per staged row (in file order): whether the SQL checks accept it. For the agreement test. */
export async function stagedVerdicts(tx: Transaction, format: StatementFormat, columns: Partial<Record<StatementField, number>>): Promise<boolean[]> {
  const rows = await tx.execute<{ ok: boolean | null }>(sql`select coalesce(c.ok, false) as ok from (${checkedRows(format, columns)}) c order by c.seq`);
  return [...rows].map((row) => row.ok === true);
}

/**
 * Checks the staged rows. Returns the summary when every row is good (a blank row, which papaparse
 * would skip, has no reference and so is never good), there
 * are between 1 and statementRowsMax of them); otherwise null, and the caller reads the file with
 * the JavaScript reader instead. The checked rows are kept in recon_stage_lines for writeStaged.
 */
export async function checkStaged(tx: Transaction, format: StatementFormat, columns: Partial<Record<StatementField, number>>): Promise<StatementSummary | null> {
  await tx.execute(sql`create temporary table recon_stage_lines on commit drop as select * from (${checkedRows(format, columns)}) c`);
  const [verdict] = await tx.execute<{ rows: number; bad: number; from: string | null; to: string | null }>(sql`
    select count(*)::int as rows, count(*) filter (where ok is not true)::int as bad,
           min(booked_on)::text as from, max(booked_on)::text as to
      from recon_stage_lines`);
  if (!verdict || verdict.bad > 0 || verdict.rows === 0 || verdict.rows > statementRowsMax) return null;
  const totals = await tx.execute<{ currency: string; lines: number; minor: string }>(sql`
    select currency, count(*)::int as lines, trunc(sum(amount_text::numeric * 10::numeric ^ exponent))::text as minor
      from recon_stage_lines group by currency order by currency collate "C"`);
  return {
    rowCount: verdict.rows,
    acceptedRows: verdict.rows,
    rejectedRows: 0,
    errors: [],
    periodFrom: verdict.from,
    periodTo: verdict.to,
    totals: [...totals].map((row) => ({ currency: row.currency, lines: row.lines, amount: formatAmount(fromMinorUnits(BigInt(row.minor), row.currency), row.currency) })),
  };
}

/** Writes the checked staged rows as the import's statement lines, in one INSERT ... SELECT. */
export async function writeStaged(tx: Transaction, importId: string, provider: string): Promise<void> {
  await tx.execute(sql`
    insert into statement_lines (import_id, line_no, provider, reference, kind, status, amount, currency, booked_on, covers, description)
    select ${importId}::uuid, row_number() over (order by seq), ${provider}, reference, kind::statement_line_kind, status, amount_text::numeric, currency,
           booked_on, case when kind = 'settlement' then covers end, description
      from recon_stage_lines order by seq`);
}
