import "server-only";
import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import { recordAuditEvent } from "../audit/append-audit-event";
import { currentSession } from "../auth/current-session";
import { can } from "../auth/permissions";
import { database } from "../db";
import { allowedOrigins } from "../env";
import { DomainError } from "../errors";
import { requestMetaFrom } from "../http/request-meta";
import { logger } from "../log";
import { statementBytesMax } from "./formats";
import { importStatement, StatementRefused } from "./import-statement";

function refuse(status: number, code: string, message: string, field?: string): Response {
  return Response.json({ error: { code, message, ...(field ? { field } : {}) } }, { status });
}

/** Reads the body up to the statement limit; null when it is larger. */
async function readCapped(req: Request): Promise<Uint8Array | null> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > statementBytesMax) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * POST /api/recon/statements?provider=acmepay&fileName=march.csv with the file as the body
 * (Content-Type text/csv). Needs recon.run; the same-origin guard as every mutation (an Origin we
 * serve, no cross-site fetch); the size limit is checked on the declared length and while reading.
 */
export async function uploadStatementResponse(req: NextRequest): Promise<Response> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!/^text\/csv(\s*;|$)/i.test(contentType)) return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "Send the statement as text/csv.");
  const origin = req.headers.get("origin");
  if (!origin || !allowedOrigins().has(origin)) return refuse(403, "ORIGIN_REFUSED", "This request did not come from the console's own origin.");
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return refuse(403, "ORIGIN_REFUSED", "Cross-site requests are refused.");
  const session = await currentSession(await cookies(), req.headers);
  if (!session) return refuse(401, "UNAUTHORIZED", "Sign in to continue.");
  const request = requestMetaFrom(req.headers);
  const { db } = database();
  if (!can(session.role, "recon.run")) {
    await recordAuditEvent(db, { actor: { type: "staff", id: session.staffId }, action: "access.denied", outcome: "denied", target: { type: "upload", id: "recon.statements" }, details: { permission: "recon.run", role: session.role }, request });
    return refuse(403, "FORBIDDEN", `The ${session.role} role lacks the recon.run permission.`);
  }
  const declared = req.headers.get("content-length");
  if (declared && BigInt(declared.replace(/\D/g, "") || "0") > BigInt(statementBytesMax)) {
    return refuse(413, "PAYLOAD_TOO_LARGE", `Statements are limited to ${statementBytesMax / 1024 / 1024} MB.`, "file");
  }
  const provider = req.nextUrl.searchParams.get("provider") ?? "";
  const fileName = req.nextUrl.searchParams.get("fileName") ?? "statement.csv";
  const bytes = await readCapped(req);
  if (bytes === null) return refuse(413, "PAYLOAD_TOO_LARGE", `Statements are limited to ${statementBytesMax / 1024 / 1024} MB.`, "file");
  try {
    const result = await importStatement(db, { provider, fileName, bytes, staffId: session.staffId, request });
    return Response.json(result, { status: result.duplicate ? 200 : 201 });
  } catch (error) {
    if (error instanceof StatementRefused) return refuse(error.fileCode === "TOO_LARGE" ? 413 : 400, error.fileCode, error.message, error.field);
    if (error instanceof DomainError) return refuse(400, error.code, error.message, error.field);
    logger.error({ err: error }, "statement import failed");
    return refuse(500, "INTERNAL", "The import failed; nothing was written.");
  }
}
