import "server-only";
import type { NextRequest } from "next/server";
import type { Database } from "@/db/client";
import { recordAuditEvent } from "../audit/append-audit-event";
import { DomainError } from "../errors";
import { csvDownload, exportBadRequest, exportCaller, exportFailure, pagedCsvStream } from "../http/csv-export";
import { formatAmount } from "../money";
import { parseMoneyFilters, searchTransactions } from "./queries";
import { searchTransactionsInput, type SearchTransactionsInput } from "./schemas";

/** The most rows one export holds; the file says so in its last line when it stops there. */
export const exportRowsMax = 100_000;

const header = ["id", "kind", "amount", "currency", "external_reference", "correlation_id", "idempotency_key", "initiator_type", "initiated_by", "occurred_at", "booked_at", "reverses_transaction_id"];

/** Streams the filtered search as CSV, page by page on the keyset cursor, capped at exportRowsMax rows. */
export function exportTransactionsCsv(db: Database, filters: Omit<SearchTransactionsInput, "cursor" | "limit">): ReadableStream<Uint8Array> {
  return pagedCsvStream<NonNullable<SearchTransactionsInput["cursor"]>>({
    header,
    rowsMax: exportRowsMax,
    page: async (cursor, limit) => {
      const page = await searchTransactions(db, { ...filters, cursor, limit });
      return {
        next: page.nextCursor ?? null,
        rows: page.items.map((row) => [
          row.id,
          row.kind,
          row.amount && row.currency ? formatAmount(row.amount, row.currency) : null,
          row.currency,
          row.externalReference,
          row.correlationId,
          row.idempotencyKey,
          row.initiatorType,
          row.initiatedBy,
          row.occurredAt.toISOString(),
          row.bookedAt.toISOString(),
          row.reversesTransactionId,
        ]),
      };
    },
  });
}

const filtersFromQuery = searchTransactionsInput.omit({ cursor: true, limit: true });

/** GET /api/exports/transactions?<the search page's filters>: the filtered search as CSV, audited. */
export async function transactionsExportResponse(req: NextRequest): Promise<Response> {
  const caller = await exportCaller(req, "ledger.read", { type: "export", id: "transactions" });
  if (caller instanceof Response) return caller;
  const { session, db, request } = caller;
  const parsed = filtersFromQuery.safeParse(Object.fromEntries([...req.nextUrl.searchParams].filter(([, value]) => value !== "")));
  if (!parsed.success) return exportBadRequest(parsed.error.issues);
  try {
    parseMoneyFilters(parsed.data);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return exportFailure(400, "BAD_REQUEST", error.message, error.field ? { [error.field]: error.message } : {});
  }
  await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "ledger.export", outcome: "success", target: { type: "export", id: "transactions" }, details: { filters: parsed.data, rowsMax: exportRowsMax }, request });
  return csvDownload(exportTransactionsCsv(db, parsed.data), "transactions");
}
