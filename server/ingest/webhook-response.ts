import "server-only";
import { database } from "../db";
import { env } from "../env";
import { requestMetaFrom } from "../http/request-meta";
import { logger } from "../log";
import { receiveWebhook, webhookBodyBytesMax, type ReceiveResult } from "./receive-webhook";

function json(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

/** Reads at most the cap; a longer body is refused without reading the rest. */
async function readBody(req: Request): Promise<string | null> {
  const declared = req.headers.get("content-length");
  if (declared && /^[0-9]+$/.test(declared) && BigInt(declared) > BigInt(webhookBodyBytesMax)) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > webhookBodyBytesMax) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function webhookSecrets(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(env().WEBHOOK_SECRETS).map(([provider, value]) => [provider, Array.isArray(value) ? value : [value]]));
}

/**
 * POST /api/webhooks/:provider. Logs what happened (provider, event id and type, the reason for a
 * refusal, the correlation id) and never the body, which can hold personal data.
 */
export async function webhookResponse(req: Request, provider: string): Promise<Response> {
  const body = await readBody(req);
  if (body === null) {
    logger.warn({ provider, reason: "too_large" }, "webhook refused");
    return json(413, { error: { code: "PAYLOAD_TOO_LARGE", message: `Bodies are limited to ${webhookBodyBytesMax} bytes.` } });
  }
  const headers = { id: req.headers.get("webhook-id"), timestamp: req.headers.get("webhook-timestamp"), signature: req.headers.get("webhook-signature") };
  const correlationId = requestMetaFrom(req.headers).correlationId ?? undefined;
  const result = await receiveWebhook(database().db, { provider, headers, body, correlationId }, { secrets: webhookSecrets(), toleranceSeconds: env().WEBHOOK_TOLERANCE_SECONDS });
  return respond(provider, headers.id, result);
}

function respond(provider: string, eventId: string | null, result: ReceiveResult): Response {
  // The id is only logged once it is known to be well-formed; a refused request's header could be anything.
  const safeId = eventId && /^[A-Za-z0-9_.:-]{1,128}$/.test(eventId) ? eventId : null;
  switch (result.status) {
    case 200:
      logger.info({ provider, eventId: result.eventId, eventType: result.eventType, duplicate: result.duplicate, correlationId: result.correlationId }, "webhook received");
      return json(200, { received: true, duplicate: result.duplicate, inboxId: result.inboxId });
    case 401:
      logger.warn({ provider, eventId: safeId, reason: result.reason }, "webhook refused");
      return json(401, { error: { code: "UNAUTHORIZED", message: "The webhook signature could not be verified." } });
    case 400:
      logger.warn({ provider, eventId: safeId, reason: "malformed", field: result.field }, "webhook refused");
      return json(400, { error: { code: "MALFORMED", field: result.field, message: result.message } });
    case 409:
      logger.warn({ provider, eventId: result.eventId, reason: "id_reused" }, "webhook refused");
      return json(409, { error: { code: "EVENT_ID_REUSED", message: result.message } });
    case 413:
      logger.warn({ provider, reason: "too_large" }, "webhook refused");
      return json(413, { error: { code: "PAYLOAD_TOO_LARGE", message: result.message } });
  }
}
