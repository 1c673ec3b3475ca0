import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, drainInbox, event, webhookCustomer, workerOptions } from "@/test/support/webhooks";
import { releaseQueuedReplays } from "../jobs/requeue-job";

type Caller = Awaited<ReturnType<typeof signedInCaller>>["caller"];

describe("the dead-letter workbench", () => {
  let database: TestDatabase;
  let operator: Caller;
  let colleague: Caller;
  let auditor: Caller;
  let support: Caller;
  let seq = 0;
  const unique = (label: string) => `${label}-${(seq += 1)}`;

  /** A payment for a customer reference nobody has: dead-lettered at once as UNKNOWN_CUSTOMER. */
  const deadPayment = async (customerRef = unique("ghost"), amount = "10.00") => {
    const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: unique("pay"), customerRef, amount, currency: "EUR", payer: { name: "Ada Lovelace", email: "ada@example.com", iban: "GB82WEST12345698765432" } }));
    if (result.status !== 200) throw new Error("refused");
    await drainInbox(database.app.db);
    const [row] = await database.owner`select id from dead_letters where event_id = ${result.eventId}`;
    if (!row) throw new Error("no dead letter");
    return { id: row.id as string, eventId: result.eventId, customerRef };
  };
  const postingsFor = async (eventId: string) => (await database.owner`select id from ledger_transactions where idempotency_key = ${`webhook:acmepay:${eventId}`}`).length;
  const statusOf = async (id: string) => (await database.owner`select status::text from dead_letters where id = ${id}`)[0]?.status;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 24 });
    operator = (await signedInCaller(database.app.db, "operations")).caller;
    colleague = (await signedInCaller(database.app.db, "operations")).caller;
    auditor = (await signedInCaller(database.app.db, "auditor")).caller;
    support = (await signedInCaller(database.app.db, "support")).caller;
  });
  afterAll(() => database.drop());

  it("lists dead letters with filters and keyset pages, counts them by error class and hour, and needs deadletter.read", async () => {
    const made = [await deadPayment(), await deadPayment(), await deadPayment()];
    const all = await auditor.deadLetters.list({ errorClass: "UNKNOWN_CUSTOMER", provider: "acmepay", handler: "ledger-posting", eventType: "payment.succeeded", limit: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.next).not.toBeNull();
    const rest = await auditor.deadLetters.list({ errorClass: "UNKNOWN_CUSTOMER", limit: 2, cursor: all.next ?? undefined });
    const seen = [...all.items, ...rest.items].map((item) => item.id);
    for (const { id } of made) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await auditor.deadLetters.list({ errorClass: "NOPE", limit: 10 })).items).toEqual([]);
    expect((await auditor.deadLetters.list({ from: new Date(Date.now() + 60_000).toISOString(), limit: 10 })).items).toEqual([]);

    const counts = await auditor.deadLetters.counts({});
    expect(counts.byErrorClass.find((row) => row.errorClass === "UNKNOWN_CUSTOMER")?.count).toBeGreaterThanOrEqual(3);
    expect(counts.byHour.some((row) => row.errorClass === "UNKNOWN_CUSTOMER" && row.hour.getUTCMinutes() === 0)).toBe(true);
    expect((await auditor.deadLetters.facets()).errorClasses).toContain("UNKNOWN_CUSTOMER");
    await expect(support.deadLetters.list({ limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("shows the detail with personal data masked, every attempt, and links to inbox row and audit records", async () => {
    const dead = await deadPayment();
    const detail = await auditor.deadLetters.get({ id: dead.id });
    const payer = (detail.payload.data as { payer: Record<string, string> }).payer;
    expect(payer.name).not.toContain("Lovelace");
    expect(payer.email).toMatch(/^a•••@e•••\.com$/);
    expect(payer.iban?.endsWith("5432")).toBe(true);
    expect(payer.iban).not.toContain("WEST");
    expect(JSON.stringify(detail)).not.toContain("ada@example.com");
    expect(detail.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: "failed", errorClass: "UNKNOWN_CUSTOMER", retryable: false })]);
    expect(detail.links.inboxId).toBeTruthy();
    expect(detail.editablePaths).toContain("data.customerRef");
    expect(detail.editablePaths.some((path) => path.includes("payer"))).toBe(false);
  });

  it("ten concurrent replays of one dead letter apply the effect once", async () => {
    const dead = await deadPayment(unique("late-customer"), "33.00");
    await webhookCustomer(database.app.db, dead.customerRef);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? operator : colleague).deadLetters.replay({ id: dead.id })));
    expect(outcomes.filter((outcome) => outcome.outcome === "requeued")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === "already_in_progress")).toHaveLength(9);
    // Workers racing each other too.
    await Promise.all([drainInbox(database.app.db), drainInbox(database.app.db, workerOptions()), drainInbox(database.app.db, workerOptions())]);
    expect(await postingsFor(dead.eventId)).toBe(1);
    expect(await statusOf(dead.id)).toBe("replayed");
    const again = await operator.deadLetters.replay({ id: dead.id });
    expect(again.outcome).toBe("already_replayed");
    await drainInbox(database.app.db);
    expect(await postingsFor(dead.eventId)).toBe(1);
    const [wallet] = await database.owner`select b.balance::text from account_balances b join accounts a on a.id = b.account_id join customers c on c.id = a.customer_id where c.external_ref = ${dead.customerRef}`;
    expect(wallet?.balance).toBe("33.000000000000000000");
    const audit = await database.owner`select count(*)::int as n from audit_events where action = 'deadletter.replay' and target_id = ${dead.id}`;
    expect(audit[0]?.n).toBe(11);
    const detail = await auditor.deadLetters.get({ id: dead.id });
    expect(detail.links.auditSeqs).toHaveLength(11);
    expect(detail.links.ledgerTransactionId).toBeTruthy();
    expect(detail.attempts.map((attempt) => [attempt.run, attempt.outcome])).toEqual([
      [0, "failed"],
      [1, "succeeded"],
    ]);
  });

  it("a replay that fails again returns the same dead letter to dead, attempts kept", async () => {
    const dead = await deadPayment();
    await operator.deadLetters.replay({ id: dead.id });
    await drainInbox(database.app.db);
    const [row] = await database.owner`select status::text, times_dead from dead_letters where id = ${dead.id}`;
    expect(row).toEqual({ status: "dead", times_dead: 2 });
    expect((await auditor.deadLetters.get({ id: dead.id })).attempts).toHaveLength(2);
  });

  it("discards with a reason: kept and marked, never deleted, and no longer replayable", async () => {
    const dead = await deadPayment();
    await expect(operator.deadLetters.discard({ id: dead.id, reason: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await operator.deadLetters.discard({ id: dead.id, reason: "test traffic from the provider's sandbox" });
    const [row] = await database.owner`select d.status::text, d.discard_reason, i.status::text as inbox from dead_letters d join webhook_inbox i on i.id = d.inbox_id where d.id = ${dead.id}`;
    expect(row).toEqual({ status: "discarded", discard_reason: "test traffic from the provider's sandbox", inbox: "discarded" });
    await expect(operator.deadLetters.replay({ id: dead.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(database.app.sql`delete from dead_letters where id = ${dead.id}`).rejects.toThrow(/permission denied/);
    await expect(database.owner`delete from dead_letters where id = ${dead.id}`).rejects.toThrow(/append-only|refused/);
    await expect(database.owner`update dead_letters set status = 'dead' where id = ${dead.id}`).rejects.toThrow(/discarded/);
    await expect(auditor.deadLetters.discard({ id: dead.id, reason: "auditors change nothing at all" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("an edited payload replays only after a second person approves it; the editor cannot approve, the diff is kept", async () => {
    const customer = unique("real-customer");
    await webhookCustomer(database.app.db, customer);
    const dead = await deadPayment(`${customer}-typo`, "7.00");
    await expect(operator.deadLetters.proposeEdit({ id: dead.id, changes: [{ path: "data.payer.email", value: "x@example.com" }], reason: "fix the customer's email" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(operator.deadLetters.proposeEdit({ id: dead.id, changes: [{ path: "data.amount", value: "7.005" }], reason: "a bad amount is refused" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const proposal = await operator.deadLetters.proposeEdit({ id: dead.id, changes: [{ path: "data.customerRef", value: customer }], reason: "provider sent a typo in the reference" });
    expect(proposal.diff).toEqual([{ path: "data.customerRef", before: `${customer}-typo`, after: customer }]);
    await expect(operator.deadLetters.replay({ id: dead.id })).rejects.toMatchObject({ code: "CONFLICT" });

    const denied = await operator.deadLetters.decideEdit({ editId: proposal.editId, payloadHash: proposal.payloadHash, decision: "approve" }).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(TRPCError);
    expect(denied).toMatchObject({ code: "FORBIDDEN", cause: { code: "SELF_APPROVAL_FORBIDDEN" } });
    await drainInbox(database.app.db);
    expect(await postingsFor(dead.eventId)).toBe(0);
    // The database refuses the editor as decider even if the code did not.
    await expect(database.owner`update dead_letter_edits set status = 'approved', decider_id = editor_id where id = ${proposal.editId}`).rejects.toThrow(/four_eyes|separation of duties/);
    await expect(colleague.deadLetters.decideEdit({ editId: proposal.editId, payloadHash: "0".repeat(64), decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT" });

    const approved = await colleague.deadLetters.decideEdit({ editId: proposal.editId, payloadHash: proposal.payloadHash, decision: "approve" });
    expect(approved).toEqual({ editId: proposal.editId, status: "approved", replay: "requeued" });
    await drainInbox(database.app.db);
    expect(await postingsFor(dead.eventId)).toBe(1);
    expect(await statusOf(dead.id)).toBe("replayed");
    const [inbox] = await database.owner`select payload->'data'->>'customerRef' as received, edited_payload->'data'->>'customerRef' as edited from webhook_inbox where event_id = ${dead.eventId}`;
    expect(inbox).toEqual({ received: `${customer}-typo`, edited: customer });
    const detail = await auditor.deadLetters.get({ id: dead.id });
    expect(detail.edits).toEqual([expect.objectContaining({ status: "approved", diff: proposal.diff })]);
  });

  it("replays many at a bounded rate, with progress, and a cancel that returns the rest to dead", async () => {
    const refs = [unique("bulk"), unique("bulk")];
    const made = [];
    for (let index = 0; index < 6; index += 1) made.push(await deadPayment(refs[index % 2]));
    for (const ref of refs) await webhookCustomer(database.app.db, ref);
    const batch = await operator.deadLetters.replayMany({ ids: made.slice(0, 4).map((item) => item.id), ratePerSecond: 3 });
    expect(batch.total).toBe(4);
    expect((await auditor.deadLetters.replayProgress({ batchId: batch.batchId })).counts.queued).toBe(4);

    await database.app.db.transaction((tx) => releaseQueuedReplays(tx));
    let progress = await auditor.deadLetters.replayProgress({ batchId: batch.batchId });
    expect(progress.counts).toMatchObject({ queued: 1, replaying: 3 });
    await drainInbox(database.app.db);
    progress = await auditor.deadLetters.replayProgress({ batchId: batch.batchId });
    expect(progress.counts).toMatchObject({ queued: 1, replayed: 3 });
    expect(progress.settled).toBe(3);

    const cancelled = await operator.deadLetters.cancelReplay({ batchId: batch.batchId });
    expect(cancelled.cancelled).toBe(1);
    progress = await auditor.deadLetters.replayProgress({ batchId: batch.batchId });
    expect(progress.batch.status).toBe("cancelled");
    expect(progress.settled).toBe(4);
    expect(await statusOf(made[3]?.id ?? "")).toBe("dead");

    // All matching a filter: the remaining dead ones of these customers' error class.
    const byFilter = await operator.deadLetters.replayMany({ filter: { errorClass: "UNKNOWN_CUSTOMER", provider: "acmepay" }, ratePerSecond: 200 });
    expect(byFilter.total).toBeGreaterThanOrEqual(3);
    await database.app.db.transaction((tx) => releaseQueuedReplays(tx));
    await drainInbox(database.app.db);
    await database.app.db.transaction((tx) => releaseQueuedReplays(tx));
    expect((await auditor.deadLetters.replayProgress({ batchId: byFilter.batchId })).batch.status).toBe("completed");
    for (const item of made) expect(await postingsFor(item.eventId)).toBe(1);
  });

  it("reports pipeline health for the console header", async () => {
    const health = await auditor.deadLetters.health();
    expect(health.deadLetters).toBeGreaterThan(0);
    expect(health.inboxBacklog).toBe(0);
  });
});
