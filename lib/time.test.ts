import { describe, expect, it } from "vitest";
import { formatUtc, inputFromDate, utcIsoFromInput } from "./time";

describe("time fields read UTC on the 24-hour clock", () => {
  it.each([
    ["2026-03-01T14:05", "2026-03-01T14:05:00.000Z"],
    ["2026-03-01T14:05:09", "2026-03-01T14:05:09.000Z"],
    ["2026-03-01 14:05:09", "2026-03-01T14:05:09.000Z"],
    ["2026-03-01 14:05:09 UTC", "2026-03-01T14:05:09.000Z"],
    ["2026-03-01T14:05:09.5Z", "2026-03-01T14:05:09.500Z"],
    ["  2026-12-31 23:59:59  ", "2026-12-31T23:59:59.000Z"],
    ["2028-02-29 00:00", "2028-02-29T00:00:00.000Z"],
  ])("%s is %s", (typed, iso) => {
    expect(utcIsoFromInput(typed)).toBe(iso);
  });

  it.each([
    ["empty", ""],
    ["a date alone", "2026-03-01"],
    ["February 30th", "2026-02-30 10:00"],
    ["February 29th of a common year", "2026-02-29 10:00"],
    ["month 13", "2026-13-01 10:00"],
    ["24:00", "2026-03-01 24:00"],
    ["minute 60", "2026-03-01 10:60"],
    ["a 12-hour time", "2026-03-01 02:05 PM"],
    ["another zone", "2026-03-01T14:05:09+02:00"],
    ["a day-first date", "01-03-2026 14:05"],
    ["a two-digit year", "0026-03-01 14:05"],
  ])("%s is refused", (_what, typed) => {
    expect(utcIsoFromInput(typed)).toBeUndefined();
  });

  it("reads back what the console shows and what the field shows", () => {
    const moment = new Date("2026-07-04T08:09:10.000Z");
    expect(utcIsoFromInput(formatUtc(moment))).toBe(moment.toISOString());
    expect(inputFromDate(moment)).toBe("2026-07-04 08:09:10");
    expect(utcIsoFromInput(inputFromDate(moment))).toBe(moment.toISOString());
  });
});
