import { PgDialect } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { batchLimit } from "./client";

describe("batchLimit", () => {
  it("writes a batch size into the statement text, not as a parameter", () => {
    const query = new PgDialect().sqlToQuery(sql`select 1 limit ${batchLimit(50)}`);
    expect(query).toEqual({ sql: "select 1 limit 50", params: [] });
  });

  it("refuses anything but a whole number in range, so nothing else can reach the text", () => {
    for (const size of [0, -1, 1.5, Number.NaN, 10_001, Number.POSITIVE_INFINITY]) expect(() => batchLimit(size)).toThrow(/batch size/);
  });
});
