import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { drainInbox, quickPolicy, workerOptions } from "@/test/support/webhooks";
import { verifyLedger } from "../ledger/verify-ledger";
import { loadDemoWebhooks } from "./load-demo-webhooks";
import { seedLedger } from "./seed-ledger";

describe("demo webhook traffic", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 8 });
    await seedLedger(database.app, { customers: 50, transactions: 300, seed: 3 });
  });
  afterAll(() => database.drop());

  it("loads once through the ingest use case; the worker turns it into postings and some dead letters", async () => {
    const loaded = await loadDemoWebhooks(database.app);
    expect(loaded?.accepted).toBeGreaterThan(150);
    expect(loaded?.refused).toBeGreaterThan(0);
    expect(await loadDemoWebhooks(database.app)).toBeNull();

    await drainInbox(database.app.db, workerOptions({ policy: quickPolicy }));
    const [inbox] = await database.owner`select count(*) filter (where status = 'processed')::int as processed, count(*) filter (where status = 'pending')::int as pending from webhook_inbox`;
    expect(inbox?.pending).toBe(0);
    expect(inbox?.processed).toBeGreaterThan(100);
    const dead = await database.owner`select distinct error_class from dead_letters order by 1`;
    expect(dead.map((row) => row.error_class)).toEqual(expect.arrayContaining(["BET_NOT_FOUND", "UNKNOWN_CUSTOMER"]));
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });
});
