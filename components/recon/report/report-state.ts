"use client";

import { parseAsArrayOf, parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import { differenceClasses, type DifferenceFilter, type DifferenceListInput } from "@/server/recon/report-schemas";
import { parseAsKeysetCursor } from "../../ui/url-cursor";

export const differencePageSize = 50;

/** The drill-down's filters and page live in the URL; the export link carries the same filters. */
export const reportParsers = {
  class: parseAsArrayOf(parseAsStringLiteral(differenceClasses)),
  currency: parseAsString,
  provider: parseAsString,
  from: parseAsString,
  to: parseAsString,
  reference: parseAsString,
  cursor: parseAsKeysetCursor,
};

export function useReportState() {
  return useQueryStates(reportParsers, { history: "push" });
}

export type ReportState = ReturnType<typeof useReportState>[0];

const present = (value: string | null) => (value === null || value.trim() === "" ? undefined : value.trim());

export function filterOf(runId: string, state: ReportState): DifferenceFilter {
  return {
    runId,
    class: state.class && state.class.length > 0 ? state.class : undefined,
    currency: present(state.currency),
    provider: present(state.provider),
    from: present(state.from),
    to: present(state.to),
    reference: present(state.reference),
  };
}

export function listInputOf(runId: string, state: ReportState): DifferenceListInput {
  return { ...filterOf(runId, state), cursor: state.cursor ?? undefined, limit: differencePageSize };
}

/** The export URL: the same filters as the screen, as query parameters. */
export function exportHref(filter: DifferenceFilter): string {
  const params = new URLSearchParams();
  if (filter.class) params.set("class", filter.class.join(","));
  for (const name of ["currency", "provider", "from", "to", "reference"] as const) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  const query = params.toString();
  return `/api/exports/recon/${filter.runId}${query ? `?${query}` : ""}`;
}

export function isFiltered(state: ReportState): boolean {
  return Object.entries(state).some(([key, value]) => key !== "cursor" && value !== null && !(Array.isArray(value) && value.length === 0));
}
