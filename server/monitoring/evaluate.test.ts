import { describe, expect, it } from "vitest";
import { evaluate, levelsConsistent } from "./evaluate";

describe("evaluate", () => {
  const above = { warning: "1", critical: "2", direction: "above" as const };
  const below = { warning: "10", critical: "5", direction: "below" as const };

  it("compares above-thresholds inclusively, as exact decimals", () => {
    expect(evaluate("0", above)).toBe("ok");
    expect(evaluate("0.999999999", above)).toBe("ok");
    expect(evaluate("1", above)).toBe("warning");
    expect(evaluate("1.000000001", above)).toBe("warning");
    expect(evaluate("2", above)).toBe("critical");
    expect(evaluate("123456789012345678", above)).toBe("critical");
    // 0.1 + 0.2 style float artefacts cannot occur: 0.30000000000000004 > 0.3 only as decimals.
    expect(evaluate("0.3", { warning: "0.3", critical: "0.4", direction: "above" })).toBe("warning");
  });

  it("mirrors for below-thresholds", () => {
    expect(evaluate("11", below)).toBe("ok");
    expect(evaluate("10", below)).toBe("warning");
    expect(evaluate("5", below)).toBe("critical");
    expect(evaluate("-1", below)).toBe("critical");
  });

  it("reads no value as unknown, never ok", () => {
    expect(evaluate(null, above)).toBe("unknown");
  });

  it("warning equal to critical goes straight to critical", () => {
    expect(evaluate("1", { warning: "1", critical: "1", direction: "above" })).toBe("critical");
  });

  it("checks that warning comes before critical in the direction of worse", () => {
    expect(levelsConsistent(above)).toBe(true);
    expect(levelsConsistent({ ...above, warning: "3" })).toBe(false);
    expect(levelsConsistent(below)).toBe(true);
    expect(levelsConsistent({ ...below, warning: "1" })).toBe(false);
  });
});
