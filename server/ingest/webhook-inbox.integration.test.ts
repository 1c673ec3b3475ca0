import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, drainInbox, event, signedWebhook, testSecret, webhookConfig, webhookCustomer } from "@/test/support/webhooks";
import { receiveWebhook } from "./receive-webhook";
import { generateSecret } from "./signature";

describe("the webhook inbox", () => {
  let database: TestDatabase;
  let seq = 0;
  const ref = () => `wh-cust-${(seq += 1)}`;

  const counts = async () => {
    const [row] = await database.owner`select (select count(*) from webhook_inbox)::int as inbox, (select count(*) from ledger_transactions)::int as postings`;
    return row;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 24 });
  });
  afterAll(() => database.drop());

  it("the same event delivered 20 times at once: one inbox row, 2xx for all, then one posting", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    const request = signedWebhook(event("payment.succeeded", { paymentId: "pay-burst", customerRef: customer, amount: "25.00", currency: "EUR" }));
    const results = await Promise.all(Array.from({ length: 20 }, () => receiveWebhook(database.app.db, request, webhookConfig)));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(results.filter((result) => result.status === 200 && !result.duplicate)).toHaveLength(1);
    expect(new Set(results.map((result) => (result.status === 200 ? result.inboxId : null))).size).toBe(1);
    const [rows] = await database.owner`select count(*)::int as n from webhook_inbox where event_id = ${request.headers.id}`;
    expect(rows?.n).toBe(1);

    await drainInbox(database.app.db);
    const postings = await database.owner`select t.id, t.amount::text, t.correlation_id, i.correlation_id as inbox_correlation
      from ledger_transactions t join webhook_inbox i on i.ledger_transaction_id = t.id where i.event_id = ${request.headers.id}`;
    expect(postings).toHaveLength(1);
    expect(postings[0]).toMatchObject({ amount: "25.000000000000000000" });
    expect(postings[0]?.correlation_id).toBe(postings[0]?.inbox_correlation);
    const [keyed] = await database.owner`select count(*)::int as n from ledger_transactions where idempotency_key = ${`webhook:acmepay:${request.headers.id}`}`;
    expect(keyed?.n).toBe(1);

    // The provider retrying later, after processing: still 2xx, still one row, still one posting.
    const again = await receiveWebhook(database.app.db, request, webhookConfig);
    expect(again).toMatchObject({ status: 200, duplicate: true });
    await drainInbox(database.app.db);
    expect(await database.owner`select id from ledger_transactions where idempotency_key = ${`webhook:acmepay:${request.headers.id}`}`).toHaveLength(1);
  });

  it("the same event id with a different body is refused with 409 and stores nothing", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    const first = await deliver(database.app.db, event("payment.succeeded", { paymentId: "pay-409", customerRef: customer, amount: "1.00", currency: "EUR" }), { id: "evt_reused" });
    expect(first.status).toBe(200);
    const before = await counts();
    const second = await deliver(database.app.db, event("payment.succeeded", { paymentId: "pay-409", customerRef: customer, amount: "1000.00", currency: "EUR" }), { id: "evt_reused" });
    expect(second).toMatchObject({ status: 409 });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["a signature made with another secret", { secret: generateSecret() }, "bad_signature"],
    ["a timestamp six minutes old", { at: new Date(Date.now() - 6 * 60_000) }, "stale_timestamp"],
    ["a timestamp six minutes ahead", { at: new Date(Date.now() + 6 * 60_000) }, "stale_timestamp"],
    ["an unknown provider", { provider: "nobody" }, "unknown_provider"],
  ])("refuses %s with 401: nothing stored, nothing posted", async (_name, options, reason) => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    await drainInbox(database.app.db);
    const before = await counts();
    const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: `pay-${reason}`, customerRef: customer, amount: "5.00", currency: "EUR" }), options);
    expect(result).toEqual({ status: 401, reason });
    await drainInbox(database.app.db);
    expect(await counts()).toEqual(before);
  });

  it("refuses a body altered after signing, and a missing signature", async () => {
    const before = await counts();
    const request = signedWebhook(event("bonus.granted", { bonusId: "b-1", customerRef: "x", amount: "5.00", currency: "EUR" }));
    expect(await receiveWebhook(database.app.db, { ...request, body: request.body.replace("5.00", "500.00") }, webhookConfig)).toEqual({ status: 401, reason: "bad_signature" });
    expect(await receiveWebhook(database.app.db, { ...request, headers: { ...request.headers, signature: null } }, webhookConfig)).toEqual({ status: 401, reason: "missing_headers" });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["not JSON", "{not json", "body"],
    ["an unknown event type", event("payment.reversed", { paymentId: "p" }), "type"],
    ["a missing field", event("payment.succeeded", { paymentId: "p", amount: "1.00", currency: "EUR" }), "data.customerRef"],
    ["a float amount", event("payment.succeeded", { paymentId: "p", customerRef: "c", amount: 10.5, currency: "EUR" }), "data.amount"],
    ["more decimals than the currency has", event("bet.placed", { betId: "b", customerRef: "c", amount: "0.005", currency: "EUR", game: "g" }), "data.amount"],
    ["decimals on a JPY amount", event("bonus.granted", { bonusId: "b", customerRef: "c", amount: "1.5", currency: "JPY" }), "data.amount"],
    ["a negative amount", event("bet.won", { betId: "b", customerRef: "c", amount: "-1.00", currency: "EUR" }), "data.amount"],
    ["an unsupported currency", event("bet.won", { betId: "b", customerRef: "c", amount: "1.00", currency: "XYZ" }), "data.currency"],
    ["a bad time", event("withdrawal.failed", { withdrawalId: "w", failureCode: "declined", occurredAt: "yesterday" }), "data.occurredAt"],
  ])("refuses %s with 400 naming the field: nothing stored", async (_name, body, field) => {
    const before = await counts();
    const result = await deliver(database.app.db, body);
    expect(result).toMatchObject({ status: 400, field });
    if (result.status === 400) expect(result.message.startsWith(`${field}:`)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it("stores only the fields it knows: unlisted data never reaches the inbox", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: "pay-extra", customerRef: customer, amount: "3.00", currency: "EUR", cardNumber: "4111111111111111" }));
    expect(result.status).toBe(200);
    const [row] = await database.owner`select payload from webhook_inbox where event_id = ${result.status === 200 ? result.eventId : ""}`;
    expect(JSON.stringify(row?.payload)).not.toContain("4111");
  });

  it("accepts a provider with two secrets during a rotation", async () => {
    const newer = generateSecret();
    const config = { ...webhookConfig, secrets: { acmepay: [newer, testSecret] } };
    const result = await receiveWebhook(database.app.db, signedWebhook(event("payment.failed", { paymentId: "p-rot", customerRef: "c", amount: "1.00", currency: "EUR", failureCode: "declined" }), { secret: newer }), config);
    expect(result.status).toBe(200);
  });
});

describe("POST /api/webhooks/:provider (the web server's endpoint)", () => {
  let database: TestDatabase;
  let server: Server;
  let base: string;
  let close: () => Promise<void>;
  const saved = { ...process.env };

  const headersOf = (request: ReturnType<typeof signedWebhook>) => ({
    "content-type": "application/json",
    "webhook-id": request.headers.id ?? "",
    "webhook-timestamp": request.headers.timestamp ?? "",
    "webhook-signature": request.headers.signature ?? "",
  });
  const post = (request: ReturnType<typeof signedWebhook>, extra: Record<string, string> = {}) =>
    fetch(`${base}/api/webhooks/${request.provider}`, { method: "POST", headers: { ...headersOf(request), ...extra }, body: request.body });
  const inboxCount = async () => {
    const [row] = await database.owner`select count(*)::int as n from webhook_inbox`;
    return row?.n;
  };

  /** A raw HTTP exchange, so the test controls how the body is framed (chunked, no declared length). */
  const exchange = (path: string, headers: Record<string, string>, chunks: string[]) =>
    new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = request(`${base}${path}`, { method: "POST", headers }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
      });
      req.on("error", reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 4 });
    Object.assign(process.env, {
      APP_DATABASE_URL: database.appUrl,
      NEXTAUTH_SECRET: "route-test-secret-0123456789abcdefghij",
      NEXTAUTH_URL: "http://127.0.0.1:3000",
      WEBHOOK_SECRETS: JSON.stringify({ acmepay: testSecret }),
    });
    const { serveWebhook, webhookProviderOf } = await import("./webhook-endpoint");
    close = (await import("../db")).database().close;
    server = createServer((req, res) => {
      const provider = webhookProviderOf(req.url);
      if (provider === null) res.writeHead(404).end();
      else void serveWebhook(req, res, provider);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await webhookCustomer(database.app.db, "route-cust");
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await close();
    process.env = saved;
    await database.drop();
  });

  it("matches only its own path", async () => {
    const { webhookProviderOf } = await import("./webhook-endpoint");
    expect(webhookProviderOf("/api/webhooks/acmepay")).toBe("acmepay");
    expect(webhookProviderOf("/api/webhooks/acmepay?x=1")).toBe("acmepay");
    expect(webhookProviderOf("/api/webhooks/acmepay/extra")).toBeNull();
    expect(webhookProviderOf("/api/health")).toBeNull();
    expect(webhookProviderOf("/api/webhooksacmepay")).toBeNull();
  });

  it("answers 200 for a valid event and for its repeat, 401 for a bad signature, 400 naming the field, 409 for a reused id", async () => {
    const request = signedWebhook(event("payment.succeeded", { paymentId: "route-pay", customerRef: "route-cust", amount: "2.00", currency: "EUR", payer: { email: "secret@example.com" } }));
    const first = await post(request, { "x-correlation-id": "route-corr-0001" });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json");
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await first.json()).toMatchObject({ received: true, duplicate: false });
    const [stored] = await database.owner`select correlation_id, payload from webhook_inbox where event_id = ${request.headers.id}`;
    expect(stored?.correlation_id).toBe("route-corr-0001");
    expect(await (await post(request)).json()).toMatchObject({ received: true, duplicate: true });
    expect((await post({ ...request, headers: { ...request.headers, signature: `v1,${Buffer.alloc(32).toString("base64")}` } })).status).toBe(401);
    expect((await post(signedWebhook(event("payment.succeeded", { paymentId: "route-x", customerRef: "route-cust", amount: "2.00", currency: "EUR" }), { provider: "nobody" }))).status).toBe(401);
    const malformed = await post(signedWebhook(event("payment.succeeded", { paymentId: "route-bad", customerRef: "route-cust", amount: "2", currency: "EURO" })));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "MALFORMED", field: "data.currency" } });
    const notJson = await post(signedWebhook("{not json"));
    expect(await notJson.json()).toMatchObject({ error: { code: "MALFORMED", field: "body" } });
    const reused = await post(signedWebhook(event("payment.succeeded", { paymentId: "route-pay", customerRef: "route-cust", amount: "3.00", currency: "EUR" }), { id: request.headers.id ?? "" }));
    expect(reused.status).toBe(409);
    expect(await inboxCount()).toBe(1);
  });

  it("refuses a body over the cap with 413, whether its length is declared or it streams in chunks, and closes the connection", async () => {
    const before = await inboxCount();
    const huge = signedWebhook(event("payment.succeeded", { paymentId: "route-huge", customerRef: "x".repeat(300_000), amount: "2.00", currency: "EUR" }));
    const declared = await post(huge);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    // No content-length: node:http sends it chunked, and the endpoint counts the bytes as they come.
    const chunked = await exchange(`/api/webhooks/${huge.provider}`, { ...headersOf(huge), "transfer-encoding": "chunked" }, Array.from({ length: 30 }, () => "x".repeat(10_000)));
    expect(chunked.status).toBe(413);
    expect(chunked.connection).toBe("close");
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(await inboxCount()).toBe(before);
  });

  it("accepts a chunked body under the cap, and answers 405 to anything but POST", async () => {
    const request = signedWebhook(event("payment.succeeded", { paymentId: "route-chunked", customerRef: "route-cust", amount: "4.00", currency: "EUR" }));
    const half = Math.floor(request.body.length / 2);
    const chunked = await exchange(`/api/webhooks/${request.provider}`, { ...headersOf(request), "transfer-encoding": "chunked" }, [request.body.slice(0, half), request.body.slice(half)]);
    expect(chunked.status).toBe(200);
    const get = await fetch(`${base}/api/webhooks/acmepay`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});
