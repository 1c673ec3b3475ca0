import { describe, expect, it } from "vitest";
import { redactDetails } from "./redact";

describe("audit detail redaction", () => {
  it("replaces personal data and secrets at any depth, keeps ids and facts", () => {
    const redacted = redactDetails({
      staffId: "0190-abc",
      email: "someone@example.com",
      nested: { password: "hunter2", dateOfBirth: "1990-01-01", role: "support" },
      list: [{ name: "Jane" }],
    });
    expect(redacted).toEqual({
      staffId: "0190-abc",
      email: "[redacted]",
      nested: { password: "[secret]", dateOfBirth: "[redacted]", role: "support" },
      list: [{ name: "[redacted]" }],
    });
  });

  it("makes values safe for JSON and for PostgreSQL jsonb", () => {
    expect(redactDetails({ a: Number.NaN, b: 10n, c: "x\u0000y", d: undefined })).toEqual({ a: "NaN", b: "10", c: "xy" });
  });
});
