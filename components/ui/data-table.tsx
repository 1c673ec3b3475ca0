"use client";

import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { cn } from "@/lib/cn";

export interface DataTableProps<TData> {
  caption: string;
  columns: ColumnDef<TData, unknown>[];
  data: TData[];
  getRowId: (row: TData) => string;
  onRowOpen?: (row: TData) => void;
}

/** Dense, calm table: sorting and paging happen on the server, so this only renders. */
export function DataTable<TData>({ caption, columns, data, getRowId, onRowOpen }: DataTableProps<TData>) {
  // The console does not use the React Compiler, so TanStack's non-memoisable API is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data, columns, getRowId, getCoreRowModel: getCoreRowModel() });
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={cn("border-b border-slate-200 px-3 py-2", (header.column.columnDef.meta as { align?: string } | undefined)?.align === "right" && "text-right")}>
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              className={cn("border-b border-slate-100 last:border-0", onRowOpen && "cursor-pointer hover:bg-indigo-50/40")}
              onClick={
                onRowOpen
                  ? (event) => {
                      // A click on a link, button or field inside the row does its own job only.
                      if (event.target instanceof Element && event.target.closest("a, button, input, select, textarea, label")) return;
                      onRowOpen(row.original);
                    }
                  : undefined
              }
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cn("px-3 py-1.5 align-middle", (cell.column.columnDef.meta as { align?: string } | undefined)?.align === "right" && "text-right tabular-nums")}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
