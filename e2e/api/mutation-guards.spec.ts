import { expect, test } from "@playwright/test";
import { demoMember, signIn } from "../support/session";

/**
 * The HTTP edge, on the real server, with a real signed-in admin's cookies: only a JSON POST from the
 * console's own origin can change anything; queries never accept POST, mutations never accept GET.
 */
test.describe("mutation guards at the HTTP edge", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, demoMember("admin").email);
  });

  const createInput = { idempotencyKey: "http-guard-key-1", email: "guarded@countersign.test", displayName: "Guarded", role: "support", initialPassword: "a long enough password" };

  test("a form-encoded POST (classic CSRF) is refused with 415", async ({ page, baseURL }) => {
    const response = await page.request.post("/api/trpc/staff.create", {
      headers: { origin: baseURL ?? "", "content-type": "application/x-www-form-urlencoded" },
      data: "email=guarded%40countersign.test",
    });
    expect(response.status()).toBe(415);
  });

  test("a JSON POST from a foreign origin is refused with 403", async ({ page }) => {
    const response = await page.request.post("/api/trpc/staff.create", { headers: { origin: "https://evil.example", "content-type": "application/json" }, data: { json: createInput } });
    expect(response.status()).toBe(403);
  });

  test("a mutation over GET is refused and a query over POST is refused", async ({ page, baseURL }) => {
    const viaGet = await page.request.get(`/api/trpc/staff.create?input=${encodeURIComponent(JSON.stringify({ json: createInput }))}`);
    expect(viaGet.status()).toBe(405);
    const queryViaPost = await page.request.post("/api/trpc/staff.list", { headers: { origin: baseURL ?? "", "content-type": "application/json" }, data: { json: { limit: 10 } } });
    expect(queryViaPost.status()).toBe(405);
  });

  test("an oversized body is refused with 413", async ({ page, baseURL }) => {
    const response = await page.request.post("/api/trpc/staff.create", {
      headers: { origin: baseURL ?? "", "content-type": "application/json" },
      data: JSON.stringify({ json: { ...createInput, displayName: "x".repeat(1_100_000) } }),
    });
    expect(response.status()).toBe(413);
  });

  test("bad input is a 400 naming the field; unknown fields are refused; nothing is created", async ({ page, baseURL }) => {
    const headers = { origin: baseURL ?? "", "content-type": "application/json" };
    const bad = await page.request.post("/api/trpc/staff.create", { headers, data: { json: { ...createInput, email: "not-an-email" } } });
    expect(bad.status()).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("email");
    const unknown = await page.request.post("/api/trpc/staff.create", { headers, data: { json: { ...createInput, isSuperuser: true } } });
    expect(unknown.status()).toBe(400);
    const list = await page.request.get(`/api/trpc/staff.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 200 } }))}`);
    expect(list.status()).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain("guarded@countersign.test");
  });

  test("without a session every procedure answers 401", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const response = await anonymous.get(`/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 5 } }))}`);
    expect(response.status()).toBe(401);
    await anonymous.dispose();
  });
});
