import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, the signature `v1,` + base64(HMAC-SHA256(secret,
 * content)), and the `webhook-signature` header may hold several space-separated signatures (the
 * sender signs with every secret during a rotation). Secrets are `whsec_` + base64 of the key.
 *
 * Written on node:crypto rather than the `standardwebhooks` package: we need several secrets per
 * provider (rotation), an injectable clock, strict header parsing ("123abc" is not a timestamp),
 * and to tell a stale timestamp from a bad signature in our logs. A unit test checks that both
 * implementations accept each other's signatures.
 */

export const secretPrefix = "whsec_";
const signatureBytes = 32;
const timestampPattern = /^[0-9]{1,12}$/;
export const webhookIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

export function decodeSecret(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, "base64");
  if (key.length < 16) throw new Error("a webhook secret decodes to at least 16 bytes");
  return key;
}

export function generateSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString("base64")}`;
}

function hmac(key: Buffer, id: string, timestampSeconds: string, body: string): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestampSeconds}.`).update(body, "utf8").digest();
}

/** The `webhook-signature` value for one secret. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${hmac(decodeSecret(secret), id, String(timestampSeconds), body).toString("base64")}`;
}

/** The three headers a sender puts on a request, signed with each of `secrets`. */
export function webhookHeaders(secrets: string[], id: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => signWebhook(secret, id, timestamp, body)).join(" "),
  };
}

export type VerifyFailure = "missing_headers" | "invalid_id" | "invalid_timestamp" | "stale_timestamp" | "bad_signature";
export type VerifyResult = { ok: true; id: string; sentAt: Date } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  secrets: readonly string[];
  headers: { id: string | null; timestamp: string | null; signature: string | null };
  body: string;
  toleranceSeconds: number;
  now?: Date;
}

/**
 * Checks the headers and the signature. Every candidate signature is compared with every expected
 * one in constant time (timingSafeEqual over equal-length buffers); a candidate of the wrong length
 * cannot match and is compared with nothing, so its length is all a timing attacker learns.
 */
export function verifyWebhook(input: VerifyInput): VerifyResult {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!webhookIdPattern.test(id)) return { ok: false, reason: "invalid_id" };
  if (!timestampPattern.test(timestamp)) return { ok: false, reason: "invalid_timestamp" };
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const sentSeconds = Number.parseInt(timestamp, 10);
  if (Math.abs(nowSeconds - sentSeconds) > input.toleranceSeconds) return { ok: false, reason: "stale_timestamp" };
  const expected = input.secrets.map((secret) => hmac(decodeSecret(secret), id, timestamp, input.body));
  return signatureMatches(signature, expected) ? { ok: true, id, sentAt: new Date(sentSeconds * 1000) } : { ok: false, reason: "bad_signature" };
}

/** True when any `v1,` candidate in the header equals any expected digest. */
export function signatureMatches(header: string, expected: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of header.split(" ").slice(0, 10)) {
    const comma = candidate.indexOf(",");
    if (comma < 0 || candidate.slice(0, comma) !== "v1") continue;
    const offered = Buffer.from(candidate.slice(comma + 1), "base64");
    if (offered.length !== signatureBytes) continue;
    // No early exit: every expected digest is compared, so timing does not tell which secret matched.
    for (const digest of expected) matched = timingSafeEqual(offered, digest) || matched;
  }
  return matched;
}
