import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import { recordAuditEvent } from "@/server/audit/append-audit-event";
import { currentSession } from "@/server/auth/current-session";
import { can } from "@/server/auth/permissions";
import { database } from "@/server/db";
import { requestMetaFrom } from "@/server/http/request-meta";
import { exportRowsMax, exportTransactionsCsv } from "@/server/ledger/export-transactions";
import { searchTransactionsInput } from "@/server/ledger/schemas";

export const dynamic = "force-dynamic";

const filtersFromQuery = searchTransactionsInput.omit({ cursor: true, limit: true });

/** GET /api/exports/transactions?<the search page's filters>: the filtered search as CSV. */
export async function GET(req: NextRequest): Promise<Response> {
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
  await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "ledger.export", outcome: "success", target: { type: "export", id: "transactions" }, details: { filters: parsed.data, rowsMax: exportRowsMax }, request });
  const filename = `transactions-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "")}.csv`;
  return new Response(exportTransactionsCsv(db, parsed.data), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
}

