import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { sampleRun } from "@/test/support/recon";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { expireRequests } from "../approvals/expire-requests";

let keys = 0;
const key = () => `recon-adj-${process.pid}-${(keys += 1)}`;
const justification = "Provider statement shows 100.00, ledger credited 90.00.";

describe("reconciliation exceptions workbench", () => {
  let database: TestDatabase;
  let finance: Awaited<ReturnType<typeof signedInCaller>>;
  let finance2: Awaited<ReturnType<typeof signedInCaller>>;
  let compliance: Awaited<ReturnType<typeof signedInCaller>>;

  const exceptionRow = async (id: string) => (await database.owner`select status, resolution, resolved_at, assignee_id, approval_request_id from recon_exceptions where id = ${id}`)[0];
  const auditOf = (targetId: string) => database.owner`select action, outcome, details::jsonb as details from audit_events where target_id = ${targetId} order by seq`;
  const balance = async (accountId: string) => (await database.owner`select balance::text as b from account_balances where account_id = ${accountId}`)[0]?.b as string;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 30 });
    finance = await signedInCaller(database.app.db, "finance");
    finance2 = await signedInCaller(database.app.db, "finance");
    compliance = await signedInCaller(database.app.db, "compliance");
  });
  afterAll(() => database.drop());

  it("lists unresolved exceptions oldest first with filters, and pages them on a keyset", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const all = await finance.caller.recon.exceptions.list({ runId: run.runId, limit: 100 });
    expect(all.items).toHaveLength(12);
    const paged: string[] = [];
    let cursor: { at: string; id: string } | undefined;
    do {
      const page = await finance.caller.recon.exceptions.list({ runId: run.runId, limit: 5, cursor });
      paged.push(...page.items.map((row) => row.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.items.map((row) => row.id));
    const gbp = await finance.caller.recon.exceptions.list({ runId: run.runId, currency: "GBP", class: ["amount_mismatch"] });
    expect(gbp.items.map((row) => [row.class, row.currency, row.amount])).toEqual([["amount_mismatch", "GBP", "5.50"]]);
    expect((await finance.caller.recon.exceptions.list({ runId: run.runId, minAgeDays: 1 })).items).toHaveLength(0);
    expect((await finance.caller.recon.exceptions.list({ runId: run.runId, assignee: "none" })).items).toHaveLength(12);
  });

  it("bulk assigns many exceptions in one transaction with one audit record naming them, and notes each", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const ids = run.exceptionIds.slice(0, 4);
    const result = await finance.caller.recon.exceptions.assign({ ids, assigneeId: finance2.member.id });
    expect(result).toEqual({ assigneeId: finance2.member.id, changed: 4, unchanged: 0 });
    for (const id of ids) expect((await exceptionRow(id))?.assignee_id).toBe(finance2.member.id);
    const [record] = await database.owner`select details::jsonb as details from audit_events where action = 'recon.exception_assigned' and actor_id = ${finance.member.id} order by seq desc limit 1`;
    expect((record?.details as { ids: string[] }).ids).toEqual([...ids].sort());
    const mine = await finance.caller.recon.exceptions.list({ runId: run.runId, assignee: finance2.member.id });
    expect(mine.items.map((row) => row.assigneeName)).toEqual(Array(4).fill("Test finance"));
    const detail = await finance.caller.recon.exceptions.get({ id: ids[0] ?? "" });
    expect(detail.notes.map((note) => note.kind)).toEqual(["assign"]);
  });

  it("two people assigning the same exceptions at once: both land, one after the other, nothing lost", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const ids = run.exceptionIds.slice(0, 6);
    const results = await Promise.all([finance.caller.recon.exceptions.assign({ ids, assigneeId: finance.member.id }), finance2.caller.recon.exceptions.assign({ ids: [...ids].reverse(), assigneeId: finance2.member.id })]);
    expect(results.map((result) => result.changed)).toEqual([6, 6]);
    const assignees = new Set(await Promise.all(ids.map(async (id) => (await exceptionRow(id))?.assignee_id)));
    expect(assignees.size).toBe(1);
  });

  it("refuses a batch with an unknown id or a non-finance assignee, writing nothing", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const ids = run.exceptionIds.slice(0, 2);
    await expect(finance.caller.recon.exceptions.assign({ ids: [...ids, "018f0000-0000-7000-8000-000000000000"], assigneeId: finance2.member.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/No such exception/) });
    await expect(finance.caller.recon.exceptions.assign({ ids, assigneeId: compliance.member.id })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/compliance role cannot work/) });
    for (const id of ids) expect((await exceptionRow(id))?.assignee_id).toBeNull();
  });

  it("explaining needs a comment (400 naming the field); status changes and comments are noted and audited", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("status_mismatch");
    await expect(finance.caller.recon.exceptions.setStatus({ id, status: "explained" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/comment/) });
    expect((await exceptionRow(id))?.status).toBe("open");
    await finance.caller.recon.exceptions.setStatus({ id, status: "investigating" });
    await finance.caller.recon.exceptions.comment({ id, body: "Asked acmepay for the settlement file." });
    await finance.caller.recon.exceptions.setStatus({ id, status: "explained", comment: "Provider marks it paid a day late; timing only." });
    const detail = await finance.caller.recon.exceptions.get({ id });
    expect(detail.status).toBe("explained");
    expect(detail.notes.map((note) => note.kind)).toEqual(["status", "comment", "status"]);
    expect(detail.notes[2]?.body).toMatch(/timing only/);
    expect((await auditOf(id)).map((row) => `${row.action}:${row.outcome}`)).toEqual([
      "recon.exception_status_changed:failed",
      "recon.exception_status_changed:success",
      "recon.exception_commented:success",
      "recon.exception_status_changed:success",
    ]);
    await expect(finance.caller.recon.exceptions.comment({ id, body: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/body/) });
  });

  it("refuses every change to roles without recon.run, auditors included, and audits the refusal", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("amount_mismatch", "EUR");
    const auditor = await signedInCaller(database.app.db, "auditor");
    await expect(auditor.caller.recon.exceptions.get({ id })).resolves.toMatchObject({ id });
    await expect(auditor.caller.recon.exceptions.setStatus({ id, status: "investigating" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(auditor.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-1", idempotencyKey: key() })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(compliance.caller.recon.exceptions.comment({ id, body: "hello" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await exceptionRow(id))?.status).toBe("open");
    const denied = await database.owner`select count(*)::int as n from audit_events where action = 'access.denied' and actor_id in (${auditor.member.id}, ${compliance.member.id})`;
    expect(denied[0]?.n).toBe(3);
  });

  it("adjust the ledger raises a prefilled linked request; nothing posts until a checker approves; then the exception resolves in that transaction", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("amount_mismatch", "EUR");
    const before = await balance(run.accountId);
    const detailBefore = await finance.caller.recon.exceptions.get({ id });
    expect(detailBefore.adjustment).toEqual({ possible: true, reason: null, suggestedDirection: "credit" });

    const raised = await finance.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-1", idempotencyKey: key() });
    const [request] = await database.owner`select status, account_id, amount::text as amount, currency, direction, reason_code, recon_exception_id, maker_id, payload_hash from approval_requests where id = ${raised.approvalRequestId}`;
    expect(request).toMatchObject({ status: "pending", account_id: run.accountId, amount: "10.000000000000000000", currency: "EUR", direction: "credit", reason_code: "reconciliation_fix", recon_exception_id: id, maker_id: finance.member.id });
    expect(await exceptionRow(id)).toMatchObject({ status: "investigating", approval_request_id: raised.approvalRequestId, resolved_at: null });
    expect(await balance(run.accountId)).toBe(before);
    // Resolving by hand is not a status anyone can set.
    await expect(finance.caller.recon.exceptions.setStatus({ id, status: "resolved" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(finance.caller.recon.exceptions.setStatus({ id, status: "explained", comment: "never mind" })).rejects.toMatchObject({ code: "CONFLICT" });

    const decided = await compliance.caller.approvals.decide({ requestId: raised.approvalRequestId, payloadHash: request?.payload_hash as string, decision: "approve", comment: "matches the statement" });
    expect(decided.status).toBe("executed");
    expect(await exceptionRow(id)).toMatchObject({ status: "resolved", resolution: "adjusted", approval_request_id: raised.approvalRequestId });
    expect((await exceptionRow(id))?.resolved_at).not.toBeNull();
    expect(before).toBe("500.000000000000000000");
    expect(await balance(run.accountId)).toBe("510.000000000000000000");
    const detail = await finance.caller.recon.exceptions.get({ id });
    expect(detail).toMatchObject({ status: "resolved", approval: { id: raised.approvalRequestId, status: "executed", resultRef: decided.resultRef }, adjustment: { possible: false } });
    expect(detail.notes.map((note) => note.kind)).toEqual(["adjustment_raised", "resolved"]);
    const drillDown = await finance.caller.recon.report.differences({ runId: run.runId, class: ["amount_mismatch"], currency: "EUR" });
    expect(drillDown.items.map((row) => [row.exceptionId, row.exceptionStatus])).toEqual([[id, "resolved"]]);
    expect((await auditOf(id)).map((row) => `${row.action}:${row.outcome}`)).toEqual(["recon.exception_adjustment_raised:success", "recon.exception_status_changed:failed", "recon.exception_resolved:success"]);
    const resolvedRecord = (await auditOf(id)).at(-1);
    expect(resolvedRecord?.details).toMatchObject({ approvalRequestId: raised.approvalRequestId, transactionId: decided.resultRef, resolution: "adjusted" });
    await expect(finance.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-1", idempotencyKey: key() })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/resolved/) });
  });

  it("a rejected adjustment leaves the exception unresolved and linked; a new one can be raised", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("amount_mismatch", "EUR");
    const raised = await finance.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-2", idempotencyKey: key() });
    const [request] = await database.owner`select payload_hash from approval_requests where id = ${raised.approvalRequestId}`;
    await compliance.caller.approvals.decide({ requestId: raised.approvalRequestId, payloadHash: request?.payload_hash as string, decision: "reject", comment: "Wait for the provider's corrected file." });
    expect(await exceptionRow(id)).toMatchObject({ status: "investigating", resolution: null, resolved_at: null, approval_request_id: raised.approvalRequestId });
    const detail = await finance.caller.recon.exceptions.get({ id });
    expect(detail.approval?.status).toBe("rejected");
    expect(detail.adjustment.possible).toBe(true);
    const again = await finance.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-3", idempotencyKey: key() });
    expect(again.approvalRequestId).not.toBe(raised.approvalRequestId);
  });

  it("two concurrent adjust calls create exactly one request; a retry with the same key replays it", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("amount_mismatch", "EUR");
    const input = (idempotencyKey: string) => ({ id, direction: "credit" as const, justification, ticketRef: "REC-4", idempotencyKey });
    const results = await Promise.allSettled([finance.caller.recon.exceptions.raiseAdjustment(input(key())), finance2.caller.recon.exceptions.raiseAdjustment(input(key()))]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT", message: expect.stringMatching(/pending/) } });
    const requests = await database.owner`select id from approval_requests where recon_exception_id = ${id}`;
    expect(requests).toHaveLength(1);
    const sameKey = key();
    const other = await sampleRun(database.app.db, finance.member.id);
    const otherId = other.exceptionOf("amount_mismatch", "EUR");
    const first = await finance.caller.recon.exceptions.raiseAdjustment({ ...input(sameKey), id: otherId });
    const replay = await finance.caller.recon.exceptions.raiseAdjustment({ ...input(sameKey), id: otherId });
    expect(replay.approvalRequestId).toBe(first.approvalRequestId);
    expect(await database.owner`select id from approval_requests where recon_exception_id = ${otherId}`).toHaveLength(1);
  });

  it("refuses to adjust a difference that names no customer account", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("missing_at_provider");
    const detail = await finance.caller.recon.exceptions.get({ id });
    expect(detail.adjustment).toMatchObject({ possible: false, reason: expect.stringMatching(/no customer account/) });
    await expect(finance.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-5", idempotencyKey: key() })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await database.owner`select id from approval_requests where recon_exception_id = ${id}`).toHaveLength(0);
  });

  it("an adjustment that merely names the exception (raised elsewhere) does not resolve it; an expired linked one leaves it investigating", async () => {
    const run = await sampleRun(database.app.db, finance.member.id);
    const id = run.exceptionOf("amount_mismatch", "EUR");
    const stray = await finance.caller.approvals.create({ idempotencyKey: key(), accountId: run.accountId, direction: "credit", amount: "3.00", currency: "EUR", reasonCode: "reconciliation_fix", justification, ticketRef: "REC-6", reconExceptionId: id });
    const executed = await compliance.caller.approvals.decide({ requestId: stray.requestId, payloadHash: stray.payloadHash, decision: "approve" });
    expect(executed.status).toBe("executed");
    expect(await exceptionRow(id)).toMatchObject({ status: "open", resolved_at: null });
    expect((await auditOf(id)).map((row) => `${row.action}:${row.outcome}`)).toEqual(["recon.exception_resolved:failed"]);

    const raised = await finance.caller.recon.exceptions.raiseAdjustment({ id, direction: "credit", justification, ticketRef: "REC-7", idempotencyKey: key() });
    await database.owner`update approval_requests set expires_at = now() - interval '1 second' where id = ${raised.approvalRequestId}`;
    expect(await expireRequests(database.app.db)).toBeGreaterThanOrEqual(1);
    expect(await exceptionRow(id)).toMatchObject({ status: "investigating", resolved_at: null, approval_request_id: raised.approvalRequestId });
    expect((await finance.caller.recon.exceptions.get({ id })).adjustment.possible).toBe(true);
  });
});
