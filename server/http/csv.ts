import Papa from "papaparse";

/**
 * One CSV line. papaparse quotes as needed and, with escapeFormulae, prefixes a cell that starts
 * with = + - @ tab or carriage return with a quote mark, so a spreadsheet never executes it.
 */
export function csvLine(values: (string | number | null)[]): string {
  return `${Papa.unparse([values.map((value) => (value === null ? "" : String(value)))], { escapeFormulae: true, newline: "\r\n" })}\r\n`;
}
