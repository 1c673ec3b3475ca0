"use client";

import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Pager } from "../ui/pager";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { useCursorTrail } from "../ui/use-cursor-trail";
import { TransactionFilters } from "./transaction-filters";
import { exportHrefOf, isFiltered, searchInputOf, useSearchState, type SearchInput } from "./transaction-search-state";
import { TransactionTable } from "./transaction-table";

type Cursor = NonNullable<SearchInput["cursor"]>;

const matchedText = {
  customer: "The search matched a customer (by id, reference or email): these are the transactions on that customer's accounts.",
  transaction: "The search matched a transaction id, idempotency key, provider reference or correlation id.",
} as const;

export function TransactionSearch() {
  const trpc = useTRPC();
  const [state, setState] = useSearchState();
  const input = searchInputOf(state);
  const search = useQuery(trpc.ledger.search.queryOptions(input));
  const fieldErrors = fieldErrorsOf(search.error);
  const { cursor, ...filters } = state;
  const pages = useCursorTrail<Cursor>(cursor, (to) => void setState({ cursor: to }));
  const newestFirst = input.sort !== "asc";
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;

  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Transactions</h1>
          <p className="text-sm text-slate-600">Every ledger transaction, found by any of its ids. Times are UTC.</p>
        </div>
        <ExportCsvLink href={exportHrefOf(input)} blocked={hasFieldErrors} />
      </header>

      <TransactionFilters
        // Remounts the form when the URL's filters change (Clear, back, a followed link), so the fields show them.
        key={JSON.stringify(filters)}
        state={state}
        errors={fieldErrors}
        onApply={(values) => {
          pages.reset();
          void setState({ ...values, cursor: null });
        }}
        onClear={() => {
          pages.reset();
          void setState(null);
        }}
      />

      {search.data?.matched === "customer" || search.data?.matched === "transaction" ? (
        <p role="status" className="text-sm text-slate-700">
          {matchedText[search.data.matched]}
        </p>
      ) : null}
      {search.isPending ? <Skeleton rows={10} /> : null}
      {search.error ? (
        hasFieldErrors ? (
          <ErrorState message={`Check the highlighted filter: ${errorMessage(search.error)}`} />
        ) : (
          <ErrorState message={errorMessage(search.error)} onRetry={() => void search.refetch()} />
        )
      ) : null}
      {search.data && search.data.items.length === 0 ? <NoTransactions matchedNothing={search.data.matched === "none"} q={state.q} filtered={isFiltered({ ...state, q: null })} /> : null}
      {search.data && search.data.items.length > 0 ? (
        <>
          <TransactionTable rows={search.data.items} dateField={input.dateField ?? "occurred"} caption={`Transactions, ${newestFirst ? "newest" : "oldest"} first`} />
          <Pager
            label="Pages"
            summary={`${search.data.items.length} transactions on this page`}
            backLabel={newestFirst ? "Newer" : "Older"}
            forwardLabel={newestFirst ? "Older" : "Newer"}
            trail={pages}
            next={search.data.nextCursor}
          />
        </>
      ) : null}
    </div>
  );
}

function NoTransactions({ matchedNothing, q, filtered }: { matchedNothing: boolean; q: string | null; filtered: boolean }) {
  if (matchedNothing) {
    return (
      <EmptyState title={`Nothing matched “${q ?? ""}”.`}>
        The search box takes exact values: a transaction id, idempotency key, provider reference, correlation id, or a customer&apos;s id, reference or email. Check for a missing
        character{filtered ? ", or clear the other filters" : ""}.
      </EmptyState>
    );
  }
  return <EmptyState title="No transactions match these filters.">{filtered ? "Widen the amount or time range, or clear a filter." : "The ledger has no transactions yet."}</EmptyState>;
}

const exportClass = "inline-flex h-9 items-center gap-1.5 rounded-md border bg-white px-3.5 text-sm font-medium";

/** The filtered search as CSV; a plain link, so the browser downloads it as the server streams it. */
function ExportCsvLink({ href, blocked }: { href: string; blocked: boolean }) {
  return (
    <div className="flex flex-col items-end gap-0.5">
      {blocked ? (
        <span aria-disabled="true" className={`${exportClass} cursor-not-allowed border-slate-200 text-slate-500`}>
          <Download className="size-4" aria-hidden /> Export CSV
        </span>
      ) : (
        <a href={href} download className={`${exportClass} border-slate-300 text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}>
          <Download className="size-4" aria-hidden /> Export CSV
        </a>
      )}
      {/* The cap is exportRowsMax in server/ledger/export-transactions.ts, a server-only module. */}
      <span className="text-xs text-slate-500">{blocked ? "Fix the filters to export" : "These filters, all pages, up to 100,000 rows"}</span>
    </div>
  );
}
