import "server-only";
import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import type { Database } from "@/db/client";
import { recordAuditEvent } from "../audit/append-audit-event";
import { currentSession } from "../auth/current-session";
import { can } from "../auth/permissions";
import { database } from "../db";
import { DomainError } from "../errors";
import { requestMetaFrom } from "../http/request-meta";
import { parseMoneyFilters } from "./queries";
import { searchTransactionsInput } from "./schemas";
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

const filtersFromQuery = searchTransactionsInput.omit({ cursor: true, limit: true });

/** GET /api/exports/transactions?<the search page's filters>: the filtered search as CSV, audited. */
export async function transactionsExportResponse(req: NextRequest): Promise<Response> {
  const session = await currentSession(await cookies(), req.headers);
  if (!session) return Response.json({ error: { code: "UNAUTHORIZED", message: "Sign in to continue." } }, { status: 401 });
  const request = requestMetaFrom(req.headers);
  const { db } = database();
  if (!can(session.role, "ledger.read")) {
    await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "access.denied", outcome: "denied", target: { type: "export", id: "transactions" }, details: { permission: "ledger.read" }, request });
    return Response.json({ error: { code: "FORBIDDEN", message: `The ${session.role} role lacks the ledger.read permission.` } }, { status: 403 });
  }
  const parsed = filtersFromQuery.safeParse(Object.fromEntries([...req.nextUrl.searchParams].filter(([, value]) => value !== "")));
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join(".") || "query", issue.message]));
    return Response.json({ error: { code: "BAD_REQUEST", message: Object.entries(fieldErrors).map(([f, m]) => `${f}: ${m}`).join("; "), fieldErrors } }, { status: 400 });
  }
  try {
    parseMoneyFilters(parsed.data);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return Response.json({ error: { code: "BAD_REQUEST", message: error.message, fieldErrors: error.field ? { [error.field]: error.message } : {} } }, { status: 400 });
  }
  await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "ledger.export", outcome: "success", target: { type: "export", id: "transactions" }, details: { filters: parsed.data, rowsMax: exportRowsMax }, request });
  const filename = `transactions-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "")}.csv`;
  return new Response(exportTransactionsCsv(db, parsed.data), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
}

