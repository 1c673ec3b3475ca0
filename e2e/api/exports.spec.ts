import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { demoMember, signIn } from "../support/session";

/**
 * The CSV export routes (server/http/csv-export.ts): the same door as the procedures. No session is
 * 401, a role without the permission is 403, a bad filter is a 400 naming the field, and an unknown
 * run is a 404; only then does a file stream.
 */
test.describe("CSV exports at the HTTP edge", () => {
  test("without a session both exports answer 401", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    for (const path of ["/api/exports/transactions", `/api/exports/recon/${randomUUID()}`]) {
      const response = await anonymous.get(path);
      expect(response.status(), path).toBe(401);
      expect((await response.json()).error.code).toBe("UNAUTHORIZED");
    }
    await anonymous.dispose();
  });

  test("a role without the read permission gets 403", async ({ page }) => {
    await signIn(page, demoMember("admin").email);
    const transactions = await page.request.get("/api/exports/transactions");
    expect(transactions.status()).toBe(403);
    expect((await transactions.json()).error.message).toContain("ledger.read");
    const recon = await page.request.get(`/api/exports/recon/${randomUUID()}`);
    expect(recon.status()).toBe(403);
    expect((await recon.json()).error.message).toContain("recon.read");
  });

  test("bad filters are a 400 naming the field; a good one streams the CSV with its header", async ({ page }) => {
    await signIn(page, demoMember("support").email);
    const badAmount = await page.request.get("/api/exports/transactions?currency=EUR&amountMin=1e3");
    expect(badAmount.status()).toBe(400);
    expect(Object.keys((await badAmount.json()).error.fieldErrors)).toContain("amountMin");
    const badKind = await page.request.get("/api/exports/transactions?kind=lottery");
    expect(badKind.status()).toBe(400);
    expect(Object.keys((await badKind.json()).error.fieldErrors)).toContain("kind");

    const good = await page.request.get("/api/exports/transactions?kind=deposit&sort=desc");
    expect(good.status()).toBe(200);
    expect(good.headers()["content-type"]).toContain("text/csv");
    expect(good.headers()["content-disposition"]).toMatch(/^attachment; filename="transactions-\d{8}-\d{6}\.csv"$/);
    const lines = (await good.text()).split("\r\n");
    expect(lines[0]).toBe("id,kind,amount,currency,external_reference,correlation_id,idempotency_key,initiator_type,initiated_by,occurred_at,booked_at,reverses_transaction_id");
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},deposit,/);
  });

  test("a reconciliation export of an unknown run is 404, of a malformed id 400", async ({ page }) => {
    await signIn(page, demoMember("auditor").email);
    const unknown = await page.request.get(`/api/exports/recon/${randomUUID()}`);
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).error.code).toBe("NOT_FOUND");
    const malformed = await page.request.get("/api/exports/recon/not-a-run");
    expect(malformed.status()).toBe(400);
    expect(Object.keys((await malformed.json()).error.fieldErrors)).toContain("runId");
  });
});
