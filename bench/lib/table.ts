/** Plain-text output: a benchmark's numbers are read in a terminal and pasted into reviews. */

export interface Column {
  header: string;
  align?: "left" | "right";
}

/** Prints rows under a title as an aligned table; numbers are expected pre-formatted, right-aligned. */
export function printTable(title: string, columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const width = widths[index] ?? 0;
        return column.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(columns.map((column) => column.header)));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value >= 100 ? `${Math.round(value).toLocaleString("en-US")} ms` : `${value.toFixed(2)} ms`;
}

export function formatSeconds(valueMs: number): string {
  return `${(valueMs / 1000).toFixed(2)} s`;
}

export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : "n/a";
}
