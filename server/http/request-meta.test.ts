import { describe, expect, it } from "vitest";
import { clientAddress, requestMetaFrom } from "./request-meta";

describe("client address", () => {
  it("with no trusted proxy, is the socket peer whatever X-Forwarded-For claims", () => {
    expect(clientAddress("::ffff:10.0.0.7", "1.2.3.4", 0)).toBe("10.0.0.7");
  });

  it("behind one trusted proxy, is the address that proxy saw (rightmost), not a client-supplied one", () => {
    // The client forged "6.6.6.6"; the proxy appended the real peer 203.0.113.9; the socket is the proxy.
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.9", 1)).toBe("203.0.113.9");
  });

  it("falls back to the peer when the header is missing", () => {
    expect(clientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
  });
});

describe("request metadata", () => {
  it("keeps a well-formed correlation id and replaces a malformed one", () => {
    const kept = requestMetaFrom(new Headers({ "x-correlation-id": "abc-123-def-456" }));
    expect(kept.correlationId).toBe("abc-123-def-456");
    const replaced = requestMetaFrom(new Headers({ "x-correlation-id": "<script>" }));
    expect(replaced.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("takes the address only from the header the server itself sets", () => {
    expect(requestMetaFrom(new Headers({ "x-forwarded-for": "6.6.6.6" })).ip).toBeNull();
    expect(requestMetaFrom(new Headers({ "x-countersign-client-ip": "10.0.0.9" })).ip).toBe("10.0.0.9");
  });
});
