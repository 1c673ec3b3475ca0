"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { isNegative, isPositive, sumAmounts } from "@/server/money";
import { DataTable } from "../ui/data-table";
import { Amount } from "./amount";
import type { TransactionDetailView } from "./transaction-detail";

type Entry = TransactionDetailView["entries"][number];

export function accountHref(id: string): string {
  return `/accounts/${id}`;
}

const blank = <span className="sr-only">none</span>;

const columns: ColumnDef<Entry, unknown>[] = [
  {
    header: "Account",
    accessorKey: "accountName",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <Link href={accountHref(row.original.accountId)} className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
          {row.original.accountName}
        </Link>
        <span className="max-w-[28rem] truncate font-mono text-xs text-slate-500" title={row.original.accountCode}>
          {row.original.accountCode}
        </span>
      </span>
    ),
  },
  { header: "Type", accessorKey: "accountType", cell: ({ row }) => <span className="text-xs text-slate-700">{row.original.accountType}</span> },
  { header: "Debit", id: "debit", meta: { align: "right" }, cell: ({ row }) => (isPositive(row.original.amount) ? <Amount value={row.original.amount} currency={row.original.currency} /> : blank) },
  { header: "Credit", id: "credit", meta: { align: "right" }, cell: ({ row }) => (isNegative(row.original.amount) ? <Amount value={row.original.amount.negated()} currency={row.original.currency} /> : blank) },
  { header: "Balance before", id: "before", meta: { align: "right" }, cell: ({ row }) => <Amount value={row.original.balanceBefore} currency={row.original.currency} /> },
  { header: "Balance after", id: "after", meta: { align: "right" }, cell: ({ row }) => <Amount value={row.original.balanceAfter} currency={row.original.currency} className="font-medium" /> },
  { header: "Entry seq", accessorKey: "accountSeq", meta: { align: "right" }, cell: ({ row }) => <span className="font-mono text-xs text-slate-600">{row.original.accountSeq}</span> },
];

/** The legs of a transaction, debits and credits apart, with each account's balance before and after. */
export function EntriesTable({ entries }: { entries: Entry[] }) {
  const currencies = [...new Set(entries.map((entry) => entry.currency))];
  return (
    <>
      <DataTable caption="Entries: debits and credits, with balances on each account's normal side" columns={columns} data={entries} getRowId={(row) => String(row.id)} />
      <p className="flex flex-wrap gap-x-4 text-xs text-slate-600">
        {currencies.map((currency) => {
          const ofCurrency = entries.filter((entry) => entry.currency === currency);
          const debits = sumAmounts(ofCurrency.filter((entry) => isPositive(entry.amount)).map((entry) => entry.amount), currency);
          const credits = sumAmounts(ofCurrency.filter((entry) => isNegative(entry.amount)).map((entry) => entry.amount.negated()), currency);
          return (
            <span key={currency}>
              {debits.equals(credits) ? "Balanced" : "Unbalanced"} in {currency}: debits <Amount value={debits} currency={currency} /> {debits.equals(credits) ? "=" : "≠"} credits <Amount value={credits} currency={currency} />
            </span>
          );
        })}
        <span>Balances are on each account&apos;s normal side: a credit raises a wallet (a liability), a debit raises an asset.</span>
      </p>
    </>
  );
}
