import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { database } from "../db";
import { env } from "../env";
import { correlationIdFrom, correlationHeader } from "../http/request-meta";
import { logger } from "../log";
import { receiveWebhook, webhookBodyBytesMax, type ReceiveResult } from "./receive-webhook";

/**
 * POST /api/webhooks/:provider, served by the web process's own HTTP server (server/http/serve.mts)
 * before a request reaches Next: the endpoint is machine to machine, authenticated by its signature
 * rather than a session, and none of Next's routing, rendering or request wrapping applies to it.
 * Logs what happened (provider, event id and type, the reason for a refusal, the correlation id)
 * and never the body, which can hold personal data.
 */

const webhookPath = /^\/api\/webhooks\/([^/?#]*)\/?(?:\?.*)?$/;

/** The provider a request URL names when it is the webhook endpoint's; null for every other URL. */
export function webhookProviderOf(url: string | undefined): string | null {
  const match = url ? webhookPath.exec(url) : null;
  if (!match) return null;
  try {
    return decodeURIComponent(match[1] ?? "");
  } catch {
    return "";
  }
}

/** The headers Next adds to every response (next.config.js), kept so the endpoint answers as it did. */
const responseHeaders = {
  "content-type": "application/json",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

function send(res: ServerResponse, status: number, body: Record<string, unknown>, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...responseHeaders, "content-length": String(Buffer.byteLength(text)), ...extra });
  res.end(text);
}

const tooLarge = { error: { code: "PAYLOAD_TOO_LARGE", message: `Bodies are limited to ${webhookBodyBytesMax} bytes.` } };

/**
 * Reads at most the cap while the body streams in. A declared or actual length past it resolves
 * null at once: the rest is never read, and the caller answers 413 and closes the connection.
 */
export function readBody(req: IncomingMessage, bytesMax: number): Promise<string | null> {
  const declared = req.headers["content-length"];
  if (declared && /^[0-9]+$/.test(declared) && BigInt(declared) > BigInt(bytesMax)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > bytesMax) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    function cleanup() {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

export function webhookSecrets(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(env().WEBHOOK_SECRETS).map(([provider, value]) => [provider, Array.isArray(value) ? value : [value]]));
}

/** Answers one request to the endpoint; never rejects (a failure is logged and answered 500). */
export async function serveWebhook(req: IncomingMessage, res: ServerResponse, provider: string): Promise<void> {
  try {
    if (req.method !== "POST") {
      send(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "Webhooks are POSTed." } }, { allow: "POST" });
      return;
    }
    const body = await readBody(req, webhookBodyBytesMax);
    if (body === null) {
      logger.warn({ provider, reason: "too_large" }, "webhook refused");
      // The unread rest of the body would otherwise be parsed as the next request on this connection.
      res.once("finish", () => req.socket.destroySoon());
      send(res, 413, tooLarge, { connection: "close" });
      return;
    }
    const headers = { id: header(req, "webhook-id"), timestamp: header(req, "webhook-timestamp"), signature: header(req, "webhook-signature") };
    const correlationId = correlationIdFrom(header(req, correlationHeader));
    const result = await receiveWebhook(database().db, { provider, headers, body, correlationId }, { secrets: webhookSecrets(), toleranceSeconds: env().WEBHOOK_TOLERANCE_SECONDS });
    respond(res, provider, headers.id, result);
  } catch (error) {
    logger.error({ err: error, provider }, "webhook could not be received");
    if (!res.headersSent) send(res, 500, { error: { code: "INTERNAL", message: "The event could not be stored; send it again." } });
    else res.destroy();
  }
}

function respond(res: ServerResponse, provider: string, eventId: string | null, result: ReceiveResult): void {
  // The id is only logged once it is known to be well-formed; a refused request's header could be anything.
  const safeId = eventId && /^[A-Za-z0-9_.:-]{1,128}$/.test(eventId) ? eventId : null;
  switch (result.status) {
    case 200:
      logger.info({ provider, eventId: result.eventId, eventType: result.eventType, duplicate: result.duplicate, correlationId: result.correlationId }, "webhook received");
      return send(res, 200, { received: true, duplicate: result.duplicate, inboxId: result.inboxId });
    case 401:
      logger.warn({ provider, eventId: safeId, reason: result.reason }, "webhook refused");
      return send(res, 401, { error: { code: "UNAUTHORIZED", message: "The webhook signature could not be verified." } });
    case 400:
      logger.warn({ provider, eventId: safeId, reason: "malformed", field: result.field }, "webhook refused");
      return send(res, 400, { error: { code: "MALFORMED", field: result.field, message: result.message } });
    case 409:
      logger.warn({ provider, eventId: result.eventId, reason: "id_reused" }, "webhook refused");
      return send(res, 409, { error: { code: "EVENT_ID_REUSED", message: result.message } });
    case 413:
      logger.warn({ provider, reason: "too_large" }, "webhook refused");
      return send(res, 413, tooLarge);
  }
}
