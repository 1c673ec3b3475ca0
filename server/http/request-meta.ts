import { uuidv7 } from "uuidv7";
import type { RequestMeta } from "../audit/append-audit-event";

/** Set by server/http/serve.mts from the socket (and trusted proxies); never taken from the client. */
export const clientIpHeader = "x-countersign-client-ip";
export const correlationHeader = "x-correlation-id";

const correlationPattern = /^[A-Za-z0-9._:-]{8,64}$/;

/** The caller's correlation id when it is well-formed, else a new one. */
export function correlationIdFrom(offered: string | null): string {
  return offered && correlationPattern.test(offered) ? offered : uuidv7();
}

export function requestMetaFrom(headers: Headers): RequestMeta {
  return {
    correlationId: correlationIdFrom(headers.get(correlationHeader)),
    ip: headers.get(clientIpHeader),
    userAgent: headers.get("user-agent")?.slice(0, 300) ?? null,
  };
}

/**
 * The client address: with no trusted proxy it is the socket's peer; behind N trusted proxies it is
 * the Nth address from the right of X-Forwarded-For (each proxy appends the peer it saw).
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string {
  const peer = (socketAddress ?? "unknown").replace(/^::ffff:/, "");
  if (trustedHops === 0) return peer;
  const chain = (forwardedFor ?? "").split(",").map((part) => part.trim()).filter(Boolean);
  chain.push(peer);
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? peer;
}
