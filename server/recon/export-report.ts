import "server-only";
import type { NextRequest } from "next/server";
import type { Database } from "@/db/client";
import { recordAuditEvent } from "../audit/append-audit-event";
import { DomainError } from "../errors";
import { csvDownload, exportBadRequest, exportCaller, exportFailure, pagedCsvStream } from "../http/csv-export";
import { differenceClauses, findRun, listDifferences } from "./report-queries";
import { differenceFilter, type DifferenceFilter, type DifferenceListInput } from "./report-schemas";

/** The most rows one export holds; the file says so in its last line when it stops there. */
export const reconExportRowsMax = 100_000;

/** The drill-down table's columns, in its order, so the file reads like the screen. */
export const reconExportHeader = ["occurred_on", "class", "provider", "reference", "currency", "statement_amount", "ledger_amount", "amount", "exception_status", "transaction_id", "account_id", "difference_id", "exception_id"];

/** Streams the run's differences under the drill-down's filters as CSV, on the same keyset and in the same order as the screen. */
export function exportDifferencesCsv(db: Database, filter: DifferenceFilter): ReadableStream<Uint8Array> {
  return pagedCsvStream<NonNullable<DifferenceListInput["cursor"]>>({
    header: reconExportHeader,
    rowsMax: reconExportRowsMax,
    page: async (cursor, limit) => {
      const page = await listDifferences(db, { ...filter, cursor, limit });
      return {
        next: page.next ?? null,
        rows: page.items.map((row) => [row.occurredOn, row.class, row.provider, row.reference, row.currency, row.statementAmount, row.ledgerAmount, row.amount, row.exceptionStatus, row.transactionId, row.accountId, row.id, row.exceptionId]),
      };
    },
  });
}

/** The URL's query as the filter: the drill-down writes `class` as a comma-separated list. */
function filterFromQuery(runId: string, params: URLSearchParams) {
  const raw: Record<string, unknown> = { runId };
  for (const [name, value] of params) {
    if (value === "") continue;
    raw[name] = name === "class" ? value.split(",") : value;
  }
  return differenceFilter.safeParse(raw);
}

/** GET /api/exports/recon/<runId>?<the drill-down's filters>: the report's differences as CSV, audited. */
export async function reconReportExportResponse(req: NextRequest, runId: string): Promise<Response> {
  const caller = await exportCaller(req, "recon.read", { type: "export", id: `recon:${runId}` });
  if (caller instanceof Response) return caller;
  const { session, db, request } = caller;
  const parsed = filterFromQuery(runId, req.nextUrl.searchParams);
  if (!parsed.success) return exportBadRequest(parsed.error.issues);
  try {
    differenceClauses(parsed.data);
    await findRun(db, parsed.data.runId);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const notFound = error.code === "NOT_FOUND";
    return exportFailure(notFound ? 404 : 400, notFound ? "NOT_FOUND" : "BAD_REQUEST", error.message, error.field ? { [error.field]: error.message } : {});
  }
  await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "recon.report_exported", outcome: "success", target: { type: "recon_run", id: parsed.data.runId }, details: { filters: parsed.data, rowsMax: reconExportRowsMax }, request });
  return csvDownload(exportDifferencesCsv(db, parsed.data), `recon-${parsed.data.runId.slice(0, 8)}`);
}
