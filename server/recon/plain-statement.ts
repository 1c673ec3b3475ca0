import type { StatementFormat } from "./formats";
import { StatementReader } from "./read-statement";

/**
 * Which statement files papaparse reads as a plain split on the delimiter (plainEligible,
 * plainHeader, sameCellCount): for those, importStatement checks the rows with the reader while it
 * COPYs them straight into statement_lines (import-statement.ts, importPlain); any other file, or
 * one with a bad row, takes papaparse's path, which names every bad row.
 *
 * Only files whose reading by COPY (or a plain split) is certain to equal papaparse's go the fast
 * way: no quote characters (papaparse reads quoted cells), no backslash-dot (COPY's end-of-data
 * marker), not the control character COPY is given as its quote, line ends all LF or all CRLF (COPY
 * refuses a stray carriage return), a header on the first line, and every row as wide as the header
 * (sameCellCount).
 */
export function plainEligible(text: string): boolean {
  if (text.includes('"') || text.includes("\\.") || text.includes("\u001e")) return false;
  if (text.includes("\r") && /\r(?!\n)|(?<!\r)\n/.test(text)) return false;
  const end = text.indexOf("\n");
  const header = (end < 0 ? text : text.slice(0, end)).replace(/\r$/, "");
  return header.trim() !== "" && end >= 0;
}

/** The header cells of an eligible file (no quotes: papaparse splits it exactly like this). */
export function plainHeader(text: string, format: StatementFormat): { cells: string[]; reader: StatementReader } | null {
  const end = text.indexOf("\n");
  const cells = text.slice(0, end).replace(/\r$/, "").split(format.delimiter);
  // papaparse skips a first line of only delimiters and spaces and takes the next as the header.
  if (cells.join("").trim() === "") return null;
  const reader = new StatementReader(format);
  reader.header(cells);
  return { cells, reader };
}

/**
 * Whether every data row of an eligible file has exactly the header's number of cells. A file that
 * does not takes papaparse's path from the start (the reader names a short row and, like papaparse,
 * ignores extra cells), so the plain path only ever splits rows of the header's width. A blank row
 * has one cell, so it is caught too.
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
