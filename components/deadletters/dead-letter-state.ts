"use client";

import { parseAsKeysetCursor } from "../ui/url-cursor";
import { parseAsString, useQueryStates } from "nuqs";
import type { z } from "zod";
import { utcIsoFromInput } from "@/lib/time";
import type { DeadLetterFilter, listInput } from "@/server/deadletters/schemas";

type ListInput = z.input<typeof listInput>;

export const deadLetterPageSize = 50;

/** Every filter lives in the URL, so a link reproduces the view, page included. */
export const deadLetterParsers = {
  handler: parseAsString,
  eventType: parseAsString,
  provider: parseAsString,
  errorClass: parseAsString,
  from: parseAsString,
  to: parseAsString,
  cursor: parseAsKeysetCursor,
};

export type DeadLetterState = ReturnType<typeof useDeadLetterState>[0];

export function useDeadLetterState() {
  return useQueryStates(deadLetterParsers, { history: "push" });
}

const present = (value: string | null) => (value === null || value.trim() === "" ? undefined : value.trim());

/** The filter the URL describes, without paging: what "Replay all matching" replays. */
export function filterOf(state: DeadLetterState): Omit<DeadLetterFilter, "status"> {
  return {
    handler: present(state.handler),
    eventType: present(state.eventType),
    provider: present(state.provider),
    errorClass: present(state.errorClass),
    from: utcIsoFromInput(state.from),
    to: utcIsoFromInput(state.to),
  };
}

export function listInputOf(state: DeadLetterState): ListInput {
  return { ...filterOf(state), cursor: state.cursor ?? undefined, limit: deadLetterPageSize };
}

export function isFiltered(state: DeadLetterState): boolean {
  return Object.entries(state).some(([key, value]) => key !== "cursor" && value !== null && value !== "");
}
