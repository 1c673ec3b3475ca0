import "server-only";
import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import type { Database } from "@/db/client";
import { recordAuditEvent } from "../audit/append-audit-event";
import { currentSession } from "../auth/current-session";
import { can } from "../auth/permissions";
import { database } from "../db";
import { DomainError } from "../errors";
import { csvLine } from "../http/csv";
import { requestMetaFrom } from "../http/request-meta";
import { differenceClauses, findRun, listDifferences } from "./report-queries";
import { differenceFilter, type DifferenceFilter, type DifferenceListInput } from "./report-schemas";

/** The most rows one export holds; the file says so in its last line when it stops there. */
export const reconExportRowsMax = 100_000;
const pageSize = 1_000;

/** The drill-down table's columns, in its order, so the file reads like the screen. */
export const reconExportHeader = ["occurred_on", "class", "provider", "reference", "currency", "statement_amount", "ledger_amount", "amount", "exception_status", "transaction_id", "account_id", "difference_id", "exception_id"];

/**
 * Streams the run's differences under the drill-down's filters as CSV, page by page on the same
 * keyset and in the same order as the screen. Every cell goes through csvLine, which escapes a
 * leading = + - @ so a spreadsheet shows a formula as text instead of running it.
 */
export function exportDifferencesCsv(db: Database, filter: DifferenceFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: DifferenceListInput["cursor"];
  let written = 0;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvLine(reconExportHeader)));
      }
      const page = await listDifferences(db, { ...filter, cursor, limit: Math.min(pageSize, reconExportRowsMax - written) });
      const lines = page.items.map((row) =>
        csvLine([row.occurredOn, row.class, row.provider, row.reference, row.currency, row.statementAmount, row.ledgerAmount, row.amount, row.exceptionStatus, row.transactionId, row.accountId, row.id, row.exceptionId]),
      );
      written += page.items.length;
      controller.enqueue(encoder.encode(lines.join("")));
      cursor = page.next ?? undefined;
      if (!page.next) controller.close();
      else if (written >= reconExportRowsMax) {
        controller.enqueue(encoder.encode(`# export stopped at the cap of ${reconExportRowsMax} rows; narrow the filters for the rest\r\n`));
        controller.close();
      }
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

const failure = (status: number, code: string, message: string, fieldErrors: Record<string, string> = {}) => Response.json({ error: { code, message, fieldErrors } }, { status });

/** GET /api/exports/recon/<runId>?<the drill-down's filters>: the report's differences as CSV, audited. */
export async function reconReportExportResponse(req: NextRequest, runId: string): Promise<Response> {
  const session = await currentSession(await cookies(), req.headers);
  if (!session) return failure(401, "UNAUTHORIZED", "Sign in to continue.");
  const request = requestMetaFrom(req.headers);
  const { db } = database();
  if (!can(session.role, "recon.read")) {
    await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "access.denied", outcome: "denied", target: { type: "export", id: `recon:${runId}` }, details: { permission: "recon.read" }, request });
    return failure(403, "FORBIDDEN", `The ${session.role} role lacks the recon.read permission.`);
  }
  const parsed = filterFromQuery(runId, req.nextUrl.searchParams);
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "query"), issue.message]));
    return failure(400, "BAD_REQUEST", Object.entries(fieldErrors).map(([field, message]) => `${field}: ${message}`).join("; "), fieldErrors);
  }
  try {
    differenceClauses(parsed.data);
    await findRun(db, parsed.data.runId);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return failure(error.code === "NOT_FOUND" ? 404 : 400, error.code === "NOT_FOUND" ? "NOT_FOUND" : "BAD_REQUEST", error.message, error.field ? { [error.field]: error.message } : {});
  }
  await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "recon.report_exported", outcome: "success", target: { type: "recon_run", id: parsed.data.runId }, details: { filters: parsed.data, rowsMax: reconExportRowsMax }, request });
  const filename = `recon-${parsed.data.runId.slice(0, 8)}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "")}.csv`;
  return new Response(exportDifferencesCsv(db, parsed.data), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
}
