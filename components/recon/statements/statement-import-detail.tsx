"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatAmountDisplay, MoneyDecimal } from "@/server/money";
import { errorMessage, useTRPC } from "../../trpc";
import { Badge } from "../../ui/badge";
import { CopyId } from "../../ui/copy-id";
import { DescriptionList } from "../../ui/description-list";
import { ErrorState, Skeleton } from "../../ui/states";
import { UtcTime } from "../../ui/time";
import { BadRowsTable } from "./bad-rows-table";

export function StatementImportDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.recon.imports.get.queryOptions({ id }));
  if (detail.isPending) return <Skeleton rows={8} />;
  if (detail.error) return <ErrorState message={errorMessage(detail.error)} onRetry={() => void detail.refetch()} />;
  const row = detail.data;
  return (
    <div className="flex flex-col gap-4">
      <header>
        <p className="text-sm">
          <Link className="text-indigo-700 underline" href="/reconciliation/statements">
            Statements
          </Link>
        </p>
        <h1 className="flex items-center gap-2 text-xl font-semibold">
          {row.fileName} <Badge tone={row.status === "accepted" ? "success" : "danger"}>{row.status}</Badge>
        </h1>
      </header>
      <DescriptionList
        items={[
          ["Import", <CopyId key="id" value={row.id} />],
          ["Provider", row.provider],
          ["Format", row.format],
          ["Uploaded", <UtcTime key="at" value={row.createdAt} />],
          ["Rows", row.rowCount.toLocaleString("en-GB")],
          ["Valid rows", row.acceptedRows.toLocaleString("en-GB")],
          ["Bad rows", row.rejectedRows.toLocaleString("en-GB")],
          ["Period", row.periodFrom && row.periodTo ? `${row.periodFrom} to ${row.periodTo}` : "—"],
          ["Size", `${row.byteSize.toLocaleString("en-GB")} bytes`],
          ["SHA-256", <span key="hash" className="font-mono text-xs break-all">{row.contentHash}</span>],
        ]}
      />
      {row.status === "rejected" ? <BadRowsTable errors={row.errors} total={row.rejectedRows} /> : null}
      {row.totals.length > 0 ? (
        <table className="w-full max-w-xl text-sm">
          <caption className="text-left text-xs font-medium uppercase tracking-wide text-slate-600">Lines per currency and kind</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600">
              <th scope="col">Currency</th>
              <th scope="col">Kind</th>
              <th scope="col" className="text-right">Lines</th>
              <th scope="col" className="text-right">Amount</th>
            </tr>
          </thead>
          <tbody>
            {row.totals.map((total) => (
              <tr key={`${total.currency}-${total.kind}`}>
                <td>{total.currency}</td>
                <td>{total.kind}</td>
                <td className="text-right tabular-nums">{total.lines.toLocaleString("en-GB")}</td>
                <td className="text-right tabular-nums">
                  {formatAmountDisplay(new MoneyDecimal(total.amount), total.currency)} {total.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
