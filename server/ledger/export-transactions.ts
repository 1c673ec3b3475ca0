import type { Database } from "@/db/client";
import { csvLine } from "../http/csv";
import { formatAmount } from "../money";
import { searchTransactions } from "./queries";
import type { SearchTransactionsInput } from "./schemas";

/** The most rows one export holds; the file says so in its last line when it stops there. */
export const exportRowsMax = 100_000;
const pageSize = 1_000;

const header = ["id", "kind", "amount", "currency", "external_reference", "correlation_id", "idempotency_key", "initiator_type", "initiated_by", "occurred_at", "booked_at", "reverses_transaction_id"];

/** Streams the filtered search as CSV, page by page on the keyset cursor, capped at exportRowsMax rows. */
export function exportTransactionsCsv(db: Database, filters: Omit<SearchTransactionsInput, "cursor" | "limit">): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: SearchTransactionsInput["cursor"];
  let written = 0;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvLine(header)));
      }
      const page = await searchTransactions(db, { ...filters, cursor, limit: Math.min(pageSize, exportRowsMax - written) });
      const lines = page.items.map((row) =>
        csvLine([
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
      );
      written += page.items.length;
      controller.enqueue(encoder.encode(lines.join("")));
      cursor = page.nextCursor ?? undefined;
      if (!page.nextCursor) controller.close();
      else if (written >= exportRowsMax) {
        controller.enqueue(encoder.encode(`# export stopped at the cap of ${exportRowsMax} rows; narrow the filters for the rest\r\n`));
        controller.close();
      }
    },
  });
}
