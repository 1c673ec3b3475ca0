import { beforeAll, describe, expect, it } from "vitest";

beforeAll(() => {
  process.env.APP_DATABASE_URL = "postgres://countersign_app:x@127.0.0.1:5432/countersign";
  process.env.NEXTAUTH_SECRET = "s".repeat(40);
  process.env.NEXTAUTH_URL = "http://localhost:3000";
  process.env.ALLOWED_ORIGINS = "http://127.0.0.1:3000";
});

async function guard() {
  return (await import("./guard-mutation")).refuseUnsafeRequest;
}

function post(headers: Record<string, string>, body = "{}") {
  return new Request("http://localhost:3000/api/trpc/staff.create", { method: "POST", headers, body });
}

describe("the mutation guard", () => {
  it("lets queries (GET) through untouched", async () => {
    expect((await guard())(new Request("http://localhost:3000/api/trpc/audit.list"))).toBeNull();
  });

  it("accepts a JSON POST from the console's own origin", async () => {
    expect((await guard())(post({ "content-type": "application/json", origin: "http://localhost:3000" }))).toBeNull();
    expect((await guard())(post({ "content-type": "application/json; charset=utf-8", origin: "http://127.0.0.1:3000" }))).toBeNull();
  });

  it.each([
    ["a form post (the classic CSRF)", { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost:3000" }, 415],
    ["multipart", { "content-type": "multipart/form-data; boundary=x", origin: "http://localhost:3000" }, 415],
    ["text/plain (no-preflight CSRF)", { "content-type": "text/plain", origin: "http://localhost:3000" }, 415],
    ["a foreign origin", { "content-type": "application/json", origin: "https://evil.example" }, 403],
    ["no origin at all", { "content-type": "application/json" }, 403],
    ["a cross-site fetch", { "content-type": "application/json", origin: "http://localhost:3000", "sec-fetch-site": "cross-site" }, 403],
    ["an oversized body", { "content-type": "application/json", origin: "http://localhost:3000", "content-length": "5000000" }, 413],
  ])("refuses %s", async (_name, headers, status) => {
    const refusal = (await guard())(post(headers));
    expect(refusal?.status).toBe(status);
  });

  it("refuses other methods", async () => {
    const refusal = (await guard())(new Request("http://localhost:3000/api/trpc/x", { method: "PUT", body: "{}" }));
    expect(refusal?.status).toBe(405);
  });

  it("caps a body sent without a length", async () => {
    const { readBodyCapped, requestBodyBytesMax } = await import("./guard-mutation");
    const big = new Request("http://localhost:3000/api/trpc/x", { method: "POST", body: "x".repeat(requestBodyBytesMax + 1) });
    const result = await readBodyCapped(big);
    expect(result instanceof Response && result.status).toBe(413);
    const small = await readBodyCapped(new Request("http://localhost:3000/api/trpc/x", { method: "POST", body: '{"a":1}' }));
    expect(small).toBe('{"a":1}');
  });
});
