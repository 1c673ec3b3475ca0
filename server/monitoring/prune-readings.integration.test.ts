import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { verifyChain } from "../audit/verify-chain";
import { pruneMonitorReadings } from "./prune-readings";

describe("monitor readings retention", () => {
  let database: TestDatabase;
  const ages = [400, 200, 95, 60, 31, 29, 1, 0];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  async function seedReadings(): Promise<void> {
    for (const days of ages) {
      await database.owner`insert into monitor_readings (monitor, value, state, details, checked_at)
        values ('test.age', ${String(days)}, 'ok', '{}', now() - make_interval(days => ${days}) - interval '1 hour')`;
    }
  }
  const remaining = async () => (await database.owner`select value::int as days from monitor_readings where monitor = 'test.age' order by 1 desc`).map((row) => row.days as number);

  it("removes only readings past the retention, oldest first in batches, and audits each prune", async () => {
    await seedReadings();
    expect(await pruneMonitorReadings(database.app.db, 90, 2)).toBe(2);
    expect(await remaining()).toEqual([95, 60, 31, 29, 1, 0]);
    expect(await pruneMonitorReadings(database.app.db, 90)).toBe(1);
    expect(await pruneMonitorReadings(database.app.db, 90)).toBe(0);
    expect(await remaining()).toEqual([60, 31, 29, 1, 0]);
    // The shortest retention the database allows is 30 days.
    expect(await pruneMonitorReadings(database.app.db, 30)).toBe(2);
    expect(await remaining()).toEqual([29, 1, 0]);

    const audits = await database.owner`select target_type, target_id, details::jsonb as details from audit_events where action = 'monitoring.readings_pruned' order by seq`;
    expect(audits.map((row) => (row.details as { pruned: number }).pruned)).toEqual([2, 1, 2]);
    expect(audits[0]).toMatchObject({ target_type: "monitor_readings", details: { keepDays: 90 } });
    expect(String(audits[0]?.target_id)).toMatch(/^before \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await verifyChain(database.app.sql)).ok).toBe(true);
  });

  it("refuses a retention under 30 days, and every other way to remove or change a reading", async () => {
    await expect(pruneMonitorReadings(database.app.db, 29)).rejects.toThrow();
    await expect(pruneMonitorReadings(database.app.db, 90, 0)).rejects.toThrow();
    // The application role may not delete at all, even with the pruning flag set.
    await expect(database.app.sql.begin(async (tx) => {
      await tx`select set_config('countersign.pruning_monitor_readings', 'on', true)`;
      await tx`delete from monitor_readings`;
    })).rejects.toThrow(/permission denied/);
    // The owner with the flag still cannot remove a reading younger than 30 days, nor change one.
    await expect(database.owner.begin(async (tx) => {
      await tx`select set_config('countersign.pruning_monitor_readings', 'on', true)`;
      await tx`delete from monitor_readings where monitor = 'test.age'`;
    })).rejects.toThrow(/append-only table monitor_readings: DELETE refused/);
    await expect(database.owner`update monitor_readings set value = 5 where monitor = 'test.age'`).rejects.toThrow(/UPDATE refused/);
    await expect(database.owner`truncate monitor_readings`).rejects.toThrow(/TRUNCATE refused/);
    expect(await remaining()).toEqual([29, 1, 0]);
  });
});
