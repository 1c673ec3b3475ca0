import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundedEurWallet } from "@/test/support/recon";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { seedDemoStaff } from "./demo-staff";
import { loadDemoReconReport } from "./load-demo-recon-report";

describe("demo reconciliation run", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("waits for the ledger and staff, then loads one run with an open exception per difference, once", async () => {
    expect(await loadDemoReconReport(database.app)).toBeNull();
    await seedDemoStaff(database.app.db);
    await fundedEurWallet(database.app.db);
    const loaded = await loadDemoReconReport(database.app);
    expect(loaded?.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await loadDemoReconReport(database.app)).toBeNull();
    const [counts] = await database.owner`select (select count(*)::int from recon_runs) as runs, (select count(*)::int from recon_exceptions where status = 'open') as open`;
    expect(counts).toEqual({ runs: 1, open: 12 });
  });
});
