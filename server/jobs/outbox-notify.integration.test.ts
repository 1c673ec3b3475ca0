import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { appendOutboxEvent } from "./append-outbox-event";

const channel = "countersign_outbox";
const marker = "test-marker";

/**
 * The outbox insert trigger wakes the worker, but at most one transaction at a time notifies: NOTIFY
 * makes committing transactions queue behind each other cluster-wide, which kept concurrent
 * postings from sharing a WAL flush.
 */
describe("the outbox wake-up notification", () => {
  let database: TestDatabase;
  const heard: string[] = [];
  let waiters: Array<() => void> = [];

  const event = (aggregateId: string) => ({ type: "test.happened", aggregateType: "test", aggregateId, correlationId: null, payload: { aggregateId } });
  /** Notifications arrive in commit order: once our marker is heard, everything committed before it was heard too. */
  const heardBeforeMarker = async (): Promise<string[]> => {
    const markerHeard = new Promise<void>((resolve) => waiters.push(resolve));
    await database.owner`select pg_notify(${channel}, ${marker})`;
    await markerHeard;
    const before = heard.splice(0, heard.length);
    return before.filter((payload) => payload !== marker);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.app.sql.listen(channel, (payload) => {
      heard.push(payload);
      if (payload === marker) {
        const pending = waiters;
        waiters = [];
        for (const resolve of pending) resolve();
      }
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it("notifies the worker when a transaction writes outbox events", async () => {
    await database.app.db.transaction(async (tx) => {
      await appendOutboxEvent(tx, event("a"));
      await appendOutboxEvent(tx, event("b"));
    });
    expect(await heardBeforeMarker()).toEqual([""]);
  });

  it("lets a transaction skip the notification while another one that will notify is open, and loses none of its events", async () => {
    let releaseFirst: () => void = () => undefined;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote: () => void = () => undefined;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = database.app.db.transaction(async (tx) => {
      await appendOutboxEvent(tx, event("first"));
      firstWrote();
      await firstMayCommit;
    });
    await firstHasWritten;
    await database.app.db.transaction((tx) => appendOutboxEvent(tx, event("second")));
    expect(await heardBeforeMarker()).toEqual([]);
    releaseFirst();
    await first;
    expect(await heardBeforeMarker()).toEqual([""]);
    const rows = await database.owner`select aggregate_id from outbox_events where aggregate_type = 'test' and aggregate_id in ('first', 'second') order by aggregate_id`;
    expect(rows.map((row) => row.aggregate_id)).toEqual(["first", "second"]);
  });

  it("notifies again once the notifying transaction has ended, even when it rolled back", async () => {
    await expect(
      database.app.db.transaction(async (tx) => {
        await appendOutboxEvent(tx, event("rolled-back"));
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    expect(await heardBeforeMarker()).toEqual([]);
    await database.app.db.transaction((tx) => appendOutboxEvent(tx, event("after")));
    expect(await heardBeforeMarker()).toEqual([""]);
  });
});
