"use client";

import { parseAsArrayOf, parseAsInteger, parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import type { ExceptionListInput } from "@/server/recon/exceptions-schemas";
import { exceptionStatuses } from "@/server/recon/exceptions-schemas";
import { differenceClasses } from "@/server/recon/report-schemas";
import { parseAsKeysetCursor } from "../../ui/url-cursor";

export const exceptionPageSize = 50;

/** Every filter lives in the URL, so a link reproduces the view, page included. */
export const exceptionParsers = {
  status: parseAsArrayOf(parseAsStringLiteral(exceptionStatuses)),
  class: parseAsArrayOf(parseAsStringLiteral(differenceClasses)),
  assignee: parseAsString,
  currency: parseAsString,
  minAgeDays: parseAsInteger,
  runId: parseAsString,
  cursor: parseAsKeysetCursor,
};

export function useExceptionState() {
  return useQueryStates(exceptionParsers, { history: "push" });
}

export type ExceptionState = ReturnType<typeof useExceptionState>[0];

const present = (value: string | null) => (value === null || value.trim() === "" ? undefined : value.trim());

export function listInputOf(state: ExceptionState): ExceptionListInput {
  return {
    status: state.status && state.status.length > 0 ? state.status : undefined,
    class: state.class && state.class.length > 0 ? state.class : undefined,
    assignee: present(state.assignee),
    currency: present(state.currency),
    minAgeDays: state.minAgeDays ?? undefined,
    runId: present(state.runId),
    cursor: state.cursor ?? undefined,
    limit: exceptionPageSize,
  };
}

export function isFiltered(state: ExceptionState): boolean {
  return Object.entries(state).some(([key, value]) => key !== "cursor" && value !== null && !(Array.isArray(value) && value.length === 0));
}
