/** The bad rows of a statement: row number (1 = first data row), column and reason; shown as text, never interpreted. */
export function BadRowsTable({ errors, total }: { errors: { row: number; field: string; reason: string }[]; total: number }) {
  if (errors.length === 0) return null;
  return (
    <div className="flex flex-col gap-1">
      <p className="text-sm text-rose-800">
        {total.toLocaleString("en-GB")} bad {total === 1 ? "row" : "rows"}; the file was rejected as a whole.{errors.length < total ? ` The first ${errors.length.toLocaleString("en-GB")} problems are listed.` : ""}
      </p>
      <div className="max-h-96 overflow-auto rounded-md border border-slate-200">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">Bad rows</caption>
          <thead className="sticky top-0 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2 text-right">Row</th>
              <th scope="col" className="px-3 py-2">Column</th>
              <th scope="col" className="px-3 py-2">Reason</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((error, index) => (
              <tr key={`${error.row}-${error.field}-${index}`} className="border-t border-slate-100">
                <td className="px-3 py-1 text-right tabular-nums">{error.row}</td>
                <td className="px-3 py-1 font-mono text-xs">{error.field}</td>
                <td className="px-3 py-1">{error.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
