import "server-only";
import { allowedOrigins } from "../env";

export const requestBodyBytesMax = 1_000_000;

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * The CSRF and abuse guard in front of every state-changing request: JSON only (no form posts a
 * browser could send cross-site), an Origin we serve, and a bounded body. Returns a refusal or null.
 */
export function refuseUnsafeRequest(req: Request): Response | null {
  if (req.method === "GET" || req.method === "HEAD") return null;
  if (req.method !== "POST") return refuse(405, "METHOD_NOT_ALLOWED", "Only GET and POST are accepted.");
  const contentType = req.headers.get("content-type") ?? "";
  if (!/^application\/json(\s*;|$)/i.test(contentType)) {
    return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "Mutations accept only application/json.");
  }
  const origin = req.headers.get("origin");
  if (!origin || !allowedOrigins().has(origin)) {
    return refuse(403, "ORIGIN_REFUSED", "This request did not come from the console's own origin.");
  }
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    return refuse(403, "ORIGIN_REFUSED", "Cross-site requests are refused.");
  }
  const declared = req.headers.get("content-length");
  if (declared && BigInt(declared.replace(/\D/g, "") || "0") > BigInt(requestBodyBytesMax)) {
    return refuse(413, "PAYLOAD_TOO_LARGE", `Request bodies are limited to ${requestBodyBytesMax} bytes.`);
  }
  return null;
}

/** Reads the body with a hard cap, for bodies sent without a Content-Length. */
export async function readBodyCapped(req: Request): Promise<string | Response> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > requestBodyBytesMax) {
      await reader.cancel();
      return refuse(413, "PAYLOAD_TOO_LARGE", `Request bodies are limited to ${requestBodyBytesMax} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
