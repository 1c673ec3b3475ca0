"use client";

import { parseAsKeysetCursor } from "../ui/url-cursor";
import { parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import type { z } from "zod";
import { utcIsoFromInput } from "@/lib/time";
import type { searchTransactionsInput } from "@/server/ledger/schemas";
import { transactionKinds } from "@/server/ledger/types";

export type SearchInput = z.input<typeof searchTransactionsInput>;

export const dateFields = ["occurred", "booked"] as const;
export const sortOrders = ["newest", "oldest"] as const;
export const transactionPageSize = 50;

/** Every filter lives in the URL, so a link reproduces the view, page included. */
export const searchParsers = {
  q: parseAsString,
  accountId: parseAsString,
  customerId: parseAsString,
  kind: parseAsStringLiteral(transactionKinds),
  currency: parseAsString,
  amountMin: parseAsString,
  amountMax: parseAsString,
  dateField: parseAsStringLiteral(dateFields),
  from: parseAsString,
  to: parseAsString,
  metadata: parseAsString,
  sort: parseAsStringLiteral(sortOrders),
  cursor: parseAsKeysetCursor,
};

export type SearchState = ReturnType<typeof useSearchState>[0];

export function useSearchState() {
  return useQueryStates(searchParsers, { history: "push" });
}

const present = (value: string | null) => (value === null || value.trim() === "" ? undefined : value.trim());

/** The ledger.search input the URL describes; the server validates it and names bad fields. */
export function searchInputOf(state: SearchState): SearchInput {
  return {
    q: present(state.q),
    accountId: present(state.accountId),
    customerId: present(state.customerId),
    kind: state.kind ?? undefined,
    currency: present(state.currency),
    amountMin: present(state.amountMin),
    amountMax: present(state.amountMax),
    dateField: state.dateField ?? "occurred",
    from: utcIsoFromInput(state.from),
    to: utcIsoFromInput(state.to),
    metadata: present(state.metadata),
    sort: state.sort === "oldest" ? "asc" : "desc",
    cursor: state.cursor ?? undefined,
    limit: transactionPageSize,
  };
}

/** The CSV export of the same filters, without the page cursor: the export walks every page itself. */
export function exportHrefOf(input: SearchInput): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (key === "cursor" || key === "limit" || value === undefined) continue;
    params.set(key, String(value));
  }
  return `/api/exports/transactions?${params.toString()}`;
}

/** True when anything narrows the search, so the empty state can say what to loosen. */
export function isFiltered(state: SearchState): boolean {
  return Object.entries(state).some(([key, value]) => key !== "cursor" && key !== "sort" && key !== "dateField" && value !== null && value !== "");
}
