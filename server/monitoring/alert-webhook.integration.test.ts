import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { drainOutbox, quickPolicy } from "@/test/support/webhooks";
import { alertWebhook } from "../jobs/handlers/alert-webhook";
import { outboxHandlers } from "../jobs/handlers/registry";
import { generateSecret, verifyWebhook } from "../ingest/signature";
import { systemAccount } from "../ledger/open-account";
import { runChecks } from "./run-checks";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe("the alert webhook", () => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let answers: number[] = [];
  const secret = generateSecret();

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 8 });
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        received.push({ headers: request.headers, body });
        response.statusCode = answers.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.drop();
  });

  it("is configured only with ALERT_WEBHOOK_URL and accepts only alert events", () => {
    expect(outboxHandlers({ subscribers: [], signingSecret: secret }).map((handler) => handler.name)).not.toContain("alert-webhook");
    const handlers = outboxHandlers({ subscribers: [], signingSecret: secret, alertWebhookUrl: url });
    const handler = handlers.find((candidate) => candidate.name === "alert-webhook");
    expect(handler?.accepts("alert.opened")).toBe(true);
    expect(handler?.accepts("ledger.transaction_posted")).toBe(false);
    expect(handlers.find((candidate) => candidate.name !== "alert-webhook")?.accepts("alert.opened")).toBe(false);
    expect(() => outboxHandlers({ subscribers: [], signingSecret: undefined, alertWebhookUrl: url })).toThrow(/OUTBOX_SIGNING_SECRET/);
  });

  it("delivers an opened alert signed as a Standard Webhook, retrying after a 503, once per alert change", async () => {
    const account = await database.app.db.transaction((tx) => systemAccount(tx, "adjustments", "EUR"));
    await database.owner`update account_balances set balance = balance + 1 where account_id = ${account.id}`;
    await runChecks(database.app.db);
    await runChecks(database.app.db);
    answers = [503];
    const handler = alertWebhook(url, secret, { policy: quickPolicy });
    for (let round = 0; round < 5 && received.filter((entry) => entry.headers["webhook-id"]).length < 2; round += 1) {
      await drainOutbox(database.app.db, [handler]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received).toHaveLength(2);
    const [first, second] = received;
    expect(first?.headers["webhook-id"]).toBe(second?.headers["webhook-id"]);
    const delivery = second;
    if (!delivery) throw new Error("nothing received");
    const verified = verifyWebhook({
      secrets: [secret],
      headers: { id: String(delivery.headers["webhook-id"]), timestamp: String(delivery.headers["webhook-timestamp"]), signature: String(delivery.headers["webhook-signature"]) },
      body: delivery.body,
      toleranceSeconds: 300,
    });
    expect(verified.ok).toBe(true);
    const body = JSON.parse(delivery.body) as { type: string; data: { monitor: string; severity: string; evidenceHref: string } };
    expect(body).toMatchObject({ type: "alert.opened", data: { monitor: "ledger.balance_mismatches", severity: "critical", evidenceHref: `/accounts/${account.id}` } });
    const [state] = await database.owner`select status::text, attempts from outbox_deliveries where handler = 'alert-webhook'`;
    expect(state?.status).toBe("delivered");
  });

  it("dead-letters an alert event the receiver keeps refusing, for an operator to replay", async () => {
    await database.owner`update account_balances b set balance = balance - 1 from accounts a where a.id = b.account_id and a.purpose = 'adjustments'`;
    received.length = 0;
    answers = [500, 500, 500, 500];
    await runChecks(database.app.db);
    const handler = alertWebhook(url, secret, { policy: quickPolicy });
    for (let round = 0; round < 10; round += 1) {
      await drainOutbox(database.app.db, [handler]);
      const dead = await database.owner`select id from dead_letters where handler = 'alert-webhook'`;
      if (dead.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const dead = await database.owner`select error_class from dead_letters where handler = 'alert-webhook'`;
    expect(dead).toHaveLength(1);
    expect(received.length).toBe(quickPolicy.maxAttempts);
  });
});
