import { describe, expect, it } from "vitest";
import { EventSchemaError, parseWebhookEvent } from "./events";
import { minorToString, simulateEvents, type SimulatedEvent } from "./simulation";

const customers = [
  { externalRef: "C-1-1", currency: "EUR", exponent: 2 },
  { externalRef: "C-1-2", currency: "JPY", exponent: 0 },
  { externalRef: "C-1-3", currency: "BHD", exponent: 3 },
];

function take(count: number, seed = 7, failureShare = 0.1): SimulatedEvent[] {
  const events = simulateEvents({ seed, customers, failureShare, runTag: "t", now: () => new Date("2026-11-01T12:00:00Z") });
  return Array.from({ length: count }, () => events.next().value as SimulatedEvent);
}

describe("the provider sandbox", () => {
  it("is deterministic for a seed", () => {
    expect(take(200)).toEqual(take(200));
    expect(take(50, 8)).not.toEqual(take(50, 7));
  });

  it("writes minor units as exact decimal strings", () => {
    expect(minorToString(1250n, 2)).toBe("12.50");
    expect(minorToString(5n, 3)).toBe("0.005");
    expect(minorToString(3000n, 0)).toBe("3000");
  });

  it("produces valid events except the ones built to be invalid, and mixes in every kind", () => {
    const events = take(3_000);
    const kinds = new Set(events.map((event) => event.kind));
    for (const kind of ["good", "duplicate", "early_rollback", "unknown_customer", "unknown_bet", "invalid"]) expect(kinds).toContain(kind);
    const invalidIds = new Set(events.filter((event) => event.kind === "invalid").map((event) => event.id));
    for (const event of events) {
      if (invalidIds.has(event.id)) expect(() => parseWebhookEvent(event.body)).toThrow(EventSchemaError);
      else expect(() => parseWebhookEvent(event.body)).not.toThrow();
    }
    const types = new Set(events.map((event) => event.body.type));
    expect(types.size).toBe(9);
  });

  it("sends a duplicate as the very same id and body, and an early rollback before its bet", () => {
    const events = take(3_000);
    const duplicate = events.find((event) => event.kind === "duplicate");
    expect(events.filter((event) => event.id === duplicate?.id).every((event) => JSON.stringify(event.body) === JSON.stringify(duplicate?.body))).toBe(true);
    const early = events.findIndex((event) => event.kind === "early_rollback");
    const betId = events[early]?.body.data.betId;
    expect(events[early + 1]?.body).toMatchObject({ type: "bet.placed", data: { betId } });
  });
});
