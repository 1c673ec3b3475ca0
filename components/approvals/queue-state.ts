"use client";

import { createParser, parseAsInteger, parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import type { z } from "zod";
import { adjustmentReasons, approvalKinds, approvalStatuses, type listRequestsInput } from "@/server/approvals/schemas";

export const queues = ["waiting", "mine", "all"] as const;
export type Queue = (typeof queues)[number];
export const queuePageSize = 50;

type ListInput = z.input<typeof listRequestsInput>;
export interface QueueCursor {
  beforeCreatedAt: string;
  beforeId: string;
}

/** The keyset cursor in the URL as "<created at>_<id>", so a copied link opens the same page. */
const parseAsCursor = createParser<QueueCursor>({
  parse: (value) => {
    const split = value.lastIndexOf("_");
    if (split <= 0) return null;
    return { beforeCreatedAt: value.slice(0, split), beforeId: value.slice(split + 1) };
  },
  serialize: (cursor) => `${cursor.beforeCreatedAt}_${cursor.beforeId}`,
  eq: (a, b) => a.beforeCreatedAt === b.beforeCreatedAt && a.beforeId === b.beforeId,
});

/** The tab, the All tab's filters and the page all live in the URL. */
export const queueParsers = {
  queue: parseAsStringLiteral(queues),
  status: parseAsStringLiteral(approvalStatuses),
  reason: parseAsStringLiteral(adjustmentReasons),
  kind: parseAsStringLiteral(approvalKinds),
  currency: parseAsString,
  amountMin: parseAsString,
  amountMax: parseAsString,
  maker: parseAsString,
  olderThan: parseAsInteger,
  before: parseAsCursor,
};

export function useQueueState() {
  return useQueryStates(queueParsers, { history: "push" });
}

export type QueueState = ReturnType<typeof useQueueState>[0];
export type QueueFilters = Omit<QueueState, "queue" | "before">;

const present = (value: string | null) => (value === null || value.trim() === "" ? undefined : value.trim());

/** The approvals.list input for a tab; only the All tab applies the filters. */
export function listInputOf(queue: Queue, state: QueueState): ListInput {
  const page = { beforeCreatedAt: state.before?.beforeCreatedAt, beforeId: state.before?.beforeId, limit: queuePageSize };
  if (queue !== "all") return { queue, ...page };
  return {
    queue,
    status: state.status ?? undefined,
    reasonCode: state.reason ?? undefined,
    kind: state.kind ?? undefined,
    currency: present(state.currency),
    amountMin: present(state.amountMin),
    amountMax: present(state.amountMax),
    makerId: present(state.maker),
    olderThanHours: state.olderThan ?? undefined,
    ...page,
  };
}

export function isFiltered(state: QueueState): boolean {
  return [state.status, state.reason, state.kind, present(state.currency), present(state.amountMin), present(state.amountMax), present(state.maker), state.olderThan].some(
    (value) => value !== null && value !== undefined,
  );
}
