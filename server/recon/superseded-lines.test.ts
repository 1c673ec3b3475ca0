import { describe, expect, it } from "vitest";
import { supersededRanges, type RunImport } from "./superseded-lines";

const statement = (id: string, provider: string, createdAt: string, periodFrom: string, periodTo: string): RunImport => ({ id, provider, createdAt, periodFrom, periodTo });

describe("supersededRanges", () => {
  it("leaves out the older import's dates that a newer import of the same provider covers, and only those", () => {
    const march = statement("a", "acmepay", "2026-04-01T10:00:00.000Z", "2026-03-01", "2026-03-31");
    const corrected = statement("b", "acmepay", "2026-04-02T10:00:00.000Z", "2026-03-20", "2026-04-05");
    expect(supersededRanges([corrected, march])).toEqual([{ importId: "a", from: "2026-03-20", to: "2026-03-31", by: "b" }]);
  });

  it("never lets an older upload supersede a newer one, whatever the order the imports are given in", () => {
    const newer = statement("b", "acmepay", "2026-04-02T10:00:00.000Z", "2026-03-01", "2026-03-31");
    const older = statement("a", "acmepay", "2026-04-01T10:00:00.000Z", "2026-03-01", "2026-03-31");
    expect(supersededRanges([older, newer]).map((range) => range.importId)).toEqual(["a"]);
    expect(supersededRanges([newer, older]).map((range) => range.importId)).toEqual(["a"]);
  });

  it("breaks a tie on the upload time by id, so two imports never supersede each other", () => {
    const first = statement("a", "acmepay", "2026-04-01T10:00:00.000Z", "2026-03-01", "2026-03-31");
    const second = statement("b", "acmepay", "2026-04-01T10:00:00.000Z", "2026-03-01", "2026-03-31");
    expect(supersededRanges([first, second])).toEqual([{ importId: "a", from: "2026-03-01", to: "2026-03-31", by: "b" }]);
  });

  it("keeps statements of other providers and periods that do not touch", () => {
    const acme = statement("a", "acmepay", "2026-04-01T10:00:00.000Z", "2026-03-01", "2026-03-31");
    const global = statement("b", "globalpsp", "2026-04-02T10:00:00.000Z", "2026-03-01", "2026-03-31");
    const april = statement("c", "acmepay", "2026-04-03T10:00:00.000Z", "2026-04-01", "2026-04-30");
    expect(supersededRanges([acme, global, april])).toEqual([]);
  });

  it("counts a one-day overlap at the edge", () => {
    const march = statement("a", "acmepay", "2026-04-01T10:00:00.000Z", "2026-03-01", "2026-03-31");
    const april = statement("b", "acmepay", "2026-04-03T10:00:00.000Z", "2026-03-31", "2026-04-30");
    expect(supersededRanges([march, april])).toEqual([{ importId: "a", from: "2026-03-31", to: "2026-03-31", by: "b" }]);
  });
});
