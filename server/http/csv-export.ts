import "server-only";
import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import type { Database } from "@/db/client";
import { recordAuditEvent, type RequestMeta } from "../audit/append-audit-event";
import { currentSession } from "../auth/current-session";
import { can, type Permission } from "../auth/permissions";
import type { StaffSession } from "../auth/sessions";
import { database } from "../db";
import { csvLine } from "./csv";
import { requestMetaFrom } from "./request-meta";

type Cell = string | number | null;

export interface CsvPage<Cursor> {
  rows: Cell[][];
  /** The cursor of the next page, or null after the last. */
  next: Cursor | null;
}

/**
 * A CSV download that pulls one page at a time on a keyset cursor, so memory stays flat whatever
 * the size, and stops at `rowsMax` rows with a last line saying so. Every cell goes through
 * csvLine, which escapes a leading = + - @ so a spreadsheet shows a formula as text.
 */
export function pagedCsvStream<Cursor>(options: { header: string[]; rowsMax: number; pageSize?: number; page: (cursor: Cursor | undefined, limit: number) => Promise<CsvPage<Cursor>> }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pageSize = options.pageSize ?? 1_000;
  let cursor: Cursor | undefined;
  let written = 0;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvLine(options.header)));
      }
      const page = await options.page(cursor, Math.min(pageSize, options.rowsMax - written));
      written += page.rows.length;
      controller.enqueue(encoder.encode(page.rows.map((row) => csvLine(row)).join("")));
      cursor = page.next ?? undefined;
      if (page.next === null) controller.close();
      else if (written >= options.rowsMax) {
        controller.enqueue(encoder.encode(`# export stopped at the cap of ${options.rowsMax} rows; narrow the filters for the rest\r\n`));
        controller.close();
      }
    },
  });
}

/** The error body every export answers with: a code, a message, and the fields it names. */
export function exportFailure(status: number, code: string, message: string, fieldErrors: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message, fieldErrors } }, { status });
}

/** A 400 naming each field (its top-level query parameter), from the issues of a failed zod parse. */
export function exportBadRequest(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Response {
  const fieldErrors = Object.fromEntries(issues.map((issue) => [String(issue.path[0] ?? "query"), issue.message]));
  return exportFailure(400, "BAD_REQUEST", Object.entries(fieldErrors).map(([field, message]) => `${field}: ${message}`).join("; "), fieldErrors);
}

export interface ExportCaller {
  session: StaffSession;
  db: Database;
  request: RequestMeta;
}

/**
 * The door of every export route: a signed-in session (401 otherwise) holding `permission` (403
 * otherwise, and the refusal is audited against `target`, as the tRPC procedures do).
 */
export async function exportCaller(req: NextRequest, permission: Permission, target: { type: string; id: string }): Promise<ExportCaller | Response> {
  const session = await currentSession(await cookies(), req.headers);
  if (!session) return exportFailure(401, "UNAUTHORIZED", "Sign in to continue.");
  const request = requestMetaFrom(req.headers);
  const { db } = database();
  if (!can(session.role, permission)) {
    await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "access.denied", outcome: "denied", target, details: { permission }, request });
    return exportFailure(403, "FORBIDDEN", `The ${session.role} role lacks the ${permission} permission.`);
  }
  return { session, db, request };
}

/** The streamed file as an attachment named `<stem>-<UTC yyyymmdd-hhmmss>.csv`, never cached. */
export function csvDownload(stream: ReadableStream<Uint8Array>, stem: string): Response {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const filename = `${stem}-${stamp}.csv`;
  return new Response(stream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
}
