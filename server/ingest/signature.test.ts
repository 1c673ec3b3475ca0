import * as crypto from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateSecret, signatureMatches, signWebhook, verifyWebhook, webhookHeaders } from "./signature";

const secret = generateSecret();
const other = generateSecret();
const body = JSON.stringify({ type: "payment.succeeded", timestamp: "2026-11-01T12:00:00Z", data: { amount: "10.00" } });
const now = new Date("2026-11-01T12:00:00Z");
const seconds = Math.floor(now.getTime() / 1000);

function verify(headers: Record<string, string>, options: { secrets?: string[]; body?: string; at?: Date } = {}) {
  return verifyWebhook({
    secrets: options.secrets ?? [secret],
    headers: { id: headers["webhook-id"] ?? null, timestamp: headers["webhook-timestamp"] ?? null, signature: headers["webhook-signature"] ?? null },
    body: options.body ?? body,
    toleranceSeconds: 300,
    now: options.at ?? now,
  });
}

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

describe("Standard Webhooks signatures", () => {
  it("accepts a signature over id.timestamp.body and returns the id and send time", () => {
    expect(verify(webhookHeaders([secret], "msg_1", body, now))).toEqual({ ok: true, id: "msg_1", sentAt: now });
  });

  it("refuses a signature made with another secret, over another body, or for another id", () => {
    expect(verify(webhookHeaders([other], "msg_1", body, now))).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(webhookHeaders([secret], "msg_1", body, now), { body: body.replace("10.00", "99.00") })).toEqual({ ok: false, reason: "bad_signature" });
    const headers = webhookHeaders([secret], "msg_1", body, now);
    expect(verify({ ...headers, "webhook-id": "msg_2" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("accepts when any of several space-separated signatures matches (the sender rotating secrets)", () => {
    const headers = webhookHeaders([other, secret], "msg_1", body, now);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verify(headers).ok).toBe(true);
    // And the receiver may hold several secrets too.
    expect(verify(webhookHeaders([other], "msg_1", body, now), { secrets: [secret, other] }).ok).toBe(true);
  });

  it("ignores candidates of other versions or malformed ones, and refuses when none is v1 and valid", () => {
    const valid = signWebhook(secret, "msg_1", seconds, body);
    const base = { "webhook-id": "msg_1", "webhook-timestamp": String(seconds) };
    expect(verify({ ...base, "webhook-signature": `v2,${valid.slice(3)} ${valid}` }).ok).toBe(true);
    expect(verify({ ...base, "webhook-signature": `v2,${valid.slice(3)}` }).ok).toBe(false);
    expect(verify({ ...base, "webhook-signature": "v1 v1, ,,, v1,AAAA" }).ok).toBe(false);
  });

  it("compares in constant time: every 32-byte candidate against every expected digest, no early exit", () => {
    const valid = signWebhook(secret, "msg_1", seconds, body);
    const wrong = signWebhook(other, "msg_1", seconds, body);
    const spy = vi.mocked(crypto.timingSafeEqual);
    // The matching candidate comes first; the comparisons still run for the second one.
    expect(verify({ "webhook-id": "msg_1", "webhook-timestamp": String(seconds), "webhook-signature": `${valid} ${wrong}` }, { secrets: [secret, other] }).ok).toBe(true);
    expect(spy).toHaveBeenCalledTimes(4);
    // A candidate of the wrong length is never compared (timingSafeEqual would throw on it).
    spy.mockClear();
    expect(signatureMatches("v1,c2hvcnQ=", [Buffer.alloc(32)])).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses timestamps outside the five-minute tolerance either way, and malformed ones", () => {
    const headers = webhookHeaders([secret], "msg_1", body, now);
    expect(verify(headers, { at: new Date(now.getTime() + 300_000) }).ok).toBe(true);
    expect(verify(headers, { at: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verify(headers, { at: new Date(now.getTime() - 301_000) })).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verify({ ...headers, "webhook-timestamp": `${seconds}abc` })).toEqual({ ok: false, reason: "invalid_timestamp" });
    expect(verify({ ...headers, "webhook-timestamp": "-1" })).toEqual({ ok: false, reason: "invalid_timestamp" });
  });

  it("refuses missing headers and ids outside the allowed alphabet", () => {
    const headers = webhookHeaders([secret], "msg_1", body, now);
    expect(verify({ ...headers, "webhook-signature": "" })).toEqual({ ok: false, reason: "missing_headers" });
    expect(verify({ "webhook-id": "msg_1", "webhook-timestamp": String(seconds) })).toEqual({ ok: false, reason: "missing_headers" });
    expect(verify(webhookHeaders([secret], "msg 1\n", body, now))).toEqual({ ok: false, reason: "invalid_id" });
  });

  it("interoperates with the standardwebhooks reference implementation both ways", () => {
    vi.useFakeTimers({ now, toFake: ["Date"] });
    try {
      const reference = new Webhook(secret);
      const theirs = reference.sign("msg_ref", now, body);
      expect(verify({ "webhook-id": "msg_ref", "webhook-timestamp": String(seconds), "webhook-signature": theirs }).ok).toBe(true);
      expect(reference.verify(body, webhookHeaders([secret], "msg_ours", body, now))).toEqual(JSON.parse(body));
    } finally {
      vi.useRealTimers();
    }
  });
});
