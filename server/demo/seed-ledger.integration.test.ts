import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { verifyLedger } from "../ledger/verify-ledger";
import { seedLedger } from "./seed-ledger";

describe("seedLedger with depositsOnly (the reconciliation benchmark's ledger)", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 4 });
  });
  afterAll(() => database.drop());

  it("writes only provider deposits, each with its provider and reference, and the ledger verifies", async () => {
    const seeded = await seedLedger(database.app, { customers: 30, transactions: 900, seed: 3, batchSize: 400, depositsOnly: true });
    expect(seeded.transactions).toBe(900);
    const [counts] = await database.owner<{ transactions: number; deposits: number; referenced: number; providers: number }[]>`
      select count(*)::int as transactions,
             count(*) filter (where kind = 'deposit')::int as deposits,
             count(*) filter (where kind = 'deposit' and external_reference is not null and metadata->>'provider' is not null)::int as referenced,
             count(distinct metadata->>'provider')::int as providers
        from ledger_transactions`;
    expect(counts).toEqual({ transactions: 900, deposits: 900, referenced: 900, providers: 2 });
    expect(await verifyLedger(database.app.db)).toMatchObject({ ok: true });
  });
});
