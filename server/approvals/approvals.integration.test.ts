import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextFor, signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createCustomer } from "../customers/create-customer";
import { systemAccount } from "../ledger/open-account";
import { postTransaction } from "../ledger/post-transaction";
import { verifyLedger } from "../ledger/verify-ledger";
import { MoneyDecimal } from "../money";
import { createCaller } from "../trpc/root";
import { expireRequests } from "./expire-requests";

type Caller = ReturnType<typeof createCaller>;
let keys = 0;
const key = () => `adj-key-${process.pid}-${(keys += 1)}`;

describe("manual adjustments with maker-checker", () => {
  let database: TestDatabase;
  let maker: Awaited<ReturnType<typeof signedInCaller>>;
  let checkerA: Awaited<ReturnType<typeof signedInCaller>>;
  let checkerB: Awaited<ReturnType<typeof signedInCaller>>;

  async function fundedWallet(balance = "1000.00"): Promise<string> {
    return database.app.db.transaction(async (tx) => {
      const clearing = await systemAccount(tx, "provider_clearing", "EUR");
      const customer = await createCustomer(tx, {
        externalRef: `adj-${key()}`,
        pii: { fullName: "Test Customer", email: `${key()}@example.com`, dateOfBirth: "1990-01-01", country: "GB" },
        walletCurrencies: ["EUR"],
      });
      const wallet = customer.walletIds.EUR ?? "";
      await postTransaction(tx, { idempotencyKey: key(), kind: "deposit", initiator: { type: "service", id: "test" }, occurredAt: new Date(), entries: [{ accountId: clearing.id, amount: new MoneyDecimal(balance) }, { accountId: wallet, amount: new MoneyDecimal(balance).negated() }] });
      return wallet;
    });
  }

  const request = (caller: Caller, accountId: string, amount: string, extra: Record<string, unknown> = {}) =>
    caller.approvals.create({ idempotencyKey: key(), accountId, direction: "credit", amount, currency: "EUR", reasonCode: "goodwill", justification: "Customer was charged twice for the same round.", ticketRef: "TICKET-1", ...extra } as never);
  const balance = async (accountId: string) => (await database.owner`select balance::text as b from account_balances where account_id = ${accountId}`)[0]?.b as string;
  const statusOf = async (id: string) => (await database.owner`select status from approval_requests where id = ${id}`)[0]?.status as string;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 40 });
    maker = await signedInCaller(database.app.db, "support");
    checkerA = await signedInCaller(database.app.db, "compliance");
    checkerB = await signedInCaller(database.app.db, "compliance");
  });
  afterAll(() => database.drop());

  it("a small credit needs one checker: approved, posted once, every step audited in order", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "25.00");
    expect(created).toMatchObject({ approvalsRequired: 1, policyRule: "small-EUR" });
    const result = await checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve", comment: "verified" });
    expect(result).toMatchObject({ status: "executed", approvals: 1, approvalsRequired: 1 });
    expect(await balance(wallet)).toBe("1025.000000000000000000");
    const [posting] = await database.owner`select id, kind, idempotency_key from ledger_transactions where id = ${result.resultRef}`;
    expect(posting).toMatchObject({ kind: "adjustment", idempotency_key: `approval-request:${created.requestId}` });
    const audit = await database.owner`select action, details::jsonb->>'approvals' as approvals from audit_events where target_id = ${created.requestId} order by seq`;
    expect(audit.map((row) => row.action)).toEqual(["adjustment.requested", "approval.decide", "adjustment.executed"]);
    expect(audit[1]?.approvals).toBe("1 of 1");
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });

  it("above the threshold four eyes: 1 of 2, the same checker cannot count twice, a second checker executes", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "1250.00");
    expect(created.approvalsRequired).toBe(2);
    const first = await checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" });
    expect(first).toMatchObject({ status: "pending", approvals: 1, approvalsRequired: 2 });
    expect(await balance(wallet)).toBe("1000.000000000000000000");
    await expect(checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already decided/) });
    const second = await checkerB.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" });
    expect(second).toMatchObject({ status: "executed", approvals: 2 });
    expect(await balance(wallet)).toBe("2250.000000000000000000");
    const audit = await database.owner`select action, outcome, details::jsonb->>'approvals' as approvals from audit_events where target_id = ${created.requestId} order by seq`;
    expect(audit.map((row) => `${row.action}${row.approvals ? ` ${row.approvals}` : ""}:${row.outcome}`)).toEqual([
      "adjustment.requested:success",
      "approval.decide 1 of 2:success",
      "approval.decide:failed", // the refused second vote of the same checker is on the record too
      "approval.decide 2 of 2:success",
      "adjustment.executed:success",
    ]);
  });

  it("50 concurrent approvals of one request: exactly one execution and one ledger transaction", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "10.00");
    const checkers = await Promise.all(Array.from({ length: 50 }, () => signedInCaller(database.app.db, "compliance")));
    const outcomes = await Promise.allSettled(checkers.map((checker) => checker.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" })));
    const executed = outcomes.filter((outcome) => outcome.status === "fulfilled" && outcome.value.status === "executed");
    expect(executed).toHaveLength(1);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(refused).toHaveLength(49);
    for (const outcome of refused) expect(outcome.status === "rejected" && outcome.reason).toMatchObject({ code: "CONFLICT" });
    const [postings] = await database.owner`select count(*)::int as n from ledger_transactions where idempotency_key = ${`approval-request:${created.requestId}`}`;
    expect(postings?.n).toBe(1);
    expect(await balance(wallet)).toBe("1010.000000000000000000");
  });

  it("approve and reject at the same moment end in one terminal state", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "20.00");
    const outcomes = await Promise.allSettled([
      checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" }),
      checkerB.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "reject", comment: "not justified" }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const status = await statusOf(created.requestId);
    expect(["executed", "rejected"]).toContain(status);
    expect(await balance(wallet)).toBe(status === "executed" ? "1020.000000000000000000" : "1000.000000000000000000");
  });

  it("self-approval is refused through a direct call, through bulk, and by the database itself", async () => {
    const wallet = await fundedWallet();
    const turncoat = await signedInCaller(database.app.db, "support");
    const created = await request(turncoat.caller, wallet, "15.00");
    // The maker is later promoted to compliance and tries to approve their own request.
    await database.owner`update staff set role = 'compliance' where id = ${turncoat.member.id}`;
    const promoted = createCaller(contextFor(database.app.db, { ...turncoat.session, role: "compliance" }));
    await expect(promoted.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/You made this request/) });
    const bulk = await promoted.approvals.bulkDecide({ items: [{ requestId: created.requestId, payloadHash: created.payloadHash }], decision: "approve" });
    expect(bulk.results[0]).toMatchObject({ ok: false, code: "SELF_APPROVAL_FORBIDDEN" });
    await expect(
      database.app.sql`insert into approval_decisions (id, request_id, approver_id, decision, payload_hash) values (gen_random_uuid(), ${created.requestId}, ${turncoat.member.id}, 'approve', ${created.payloadHash})`,
    ).rejects.toThrow(/separation of duties/);
    expect(await statusOf(created.requestId)).toBe("pending");
    const denied = await database.owner`select count(*)::int as n from audit_events where actor_id = ${turncoat.member.id} and outcome = 'denied'`;
    expect(denied[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it("the database refuses to mark a request executed without enough distinct approvals", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "2000.00");
    await checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" });
    await expect(database.app.sql`update approval_requests set status = 'executed' where id = ${created.requestId}`).rejects.toThrow(/1 of 2 distinct approvals/);
  });

  it("a request altered in the database after creation cannot be approved (hash mismatch)", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "30.00");
    await expect(database.app.sql`update approval_requests set payload = jsonb_set(payload, '{amount}', '"300.00"') where id = ${created.requestId}`).rejects.toThrow(/cannot change/);
    // A hostile owner switches the guard off and rewrites the payload.
    await database.owner.unsafe(`alter table approval_requests disable trigger approval_requests_guard_update`);
    await database.owner`update approval_requests set payload = jsonb_set(payload, '{amount}', '"300.00"'), amount = 300 where id = ${created.requestId}`;
    await database.owner.unsafe(`alter table approval_requests enable always trigger approval_requests_guard_update`);
    await expect(checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/altered after it was made/) });
    expect(await balance(wallet)).toBe("1000.000000000000000000");
    await expect(checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: "0".repeat(64), decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/changed since you reviewed/) });
  });

  it("execution refused by the ledger ends the request as failed, with nothing posted", async () => {
    const wallet = await fundedWallet("50.00");
    const created = await request(maker.caller, wallet, "80.00", { direction: "debit" });
    const result = await checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" });
    expect(result).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/has 50.00 EUR/) });
    expect(await balance(wallet)).toBe("50.000000000000000000");
    const audit = await database.owner`select action, outcome from audit_events where target_id = ${created.requestId} order by seq`;
    expect(audit.map((row) => `${row.action}:${row.outcome}`)).toEqual(["adjustment.requested:success", "approval.decide:success", "adjustment.failed:failed"]);
  });

  it("a duplicate pending request is refused; another pending one for the account is a warning", async () => {
    const wallet = await fundedWallet();
    await request(maker.caller, wallet, "40.00");
    await expect(request(maker.caller, wallet, "40.00")).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/identical adjustment/) });
    const other = await request(maker.caller, wallet, "41.00");
    expect(other.warnings).toHaveLength(1);
  });

  it("creation is idempotent: the same key returns the same request", async () => {
    const wallet = await fundedWallet();
    const input = { idempotencyKey: key(), accountId: wallet, direction: "credit" as const, amount: "12.00", currency: "EUR", reasonCode: "goodwill" as const, justification: "Double-click on the submit button test.", ticketRef: "T-2" };
    const [first, second] = await Promise.all([maker.caller.approvals.create(input), maker.caller.approvals.create(input)]);
    expect(second?.requestId).toBe(first?.requestId);
  });

  it("the maker's daily cap per currency holds", async () => {
    const capped = await signedInCaller(database.app.db, "finance");
    const wallet = await fundedWallet();
    await request(capped.caller, wallet, "9999.00", { reasonCode: "other" });
    await expect(request(capped.caller, wallet, "2.00", { reasonCode: "other" })).rejects.toMatchObject({ code: "UNPROCESSABLE_CONTENT", message: expect.stringMatching(/daily cap/) });
  });

  it.each([
    ["amount", { amount: "0.005" }],
    ["amount", { amount: "1e309" }],
    ["amount", { amount: "-5.00" }],
    ["amount", { amount: "1,000.00" }],
    ["amount", { amount: "１０" }],
    ["justification", { justification: "" }],
    ["justification", { justification: undefined }],
    ["currency", { currency: "XXX" }],
    ["currency", { currency: "USD" }],
    ["accountId", { accountId: "01900000-0000-7000-8000-00000000abcd" }],
    ["reasonCode", { reasonCode: "because" }],
  ])("bad %s is a 4xx naming the field and nothing is written", async (field, patch) => {
    const wallet = await fundedWallet();
    const [before] = await database.owner`select (select count(*) from approval_requests)::int as r, (select count(*) from audit_events where outcome = 'success')::int as a`;
    const error = await request(maker.caller, wallet, "10.00", patch).catch((e: unknown) => e);
    expect((error as { code: string }).code).toMatch(/BAD_REQUEST|NOT_FOUND|UNPROCESSABLE_CONTENT/);
    expect((error as Error).message).toContain(field === "accountId" ? "account" : field);
    const [after] = await database.owner`select (select count(*) from approval_requests)::int as r, (select count(*) from audit_events where outcome = 'success')::int as a`;
    expect(after).toEqual(before);
  });

  it("the maker can cancel while pending; nobody else can; a cancelled request cannot be approved", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "11.00");
    const other = await signedInCaller(database.app.db, "support");
    await expect(other.caller.approvals.cancel({ requestId: created.requestId, reason: "not mine" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await maker.caller.approvals.cancel({ requestId: created.requestId, reason: "raised in error" });
    await expect(checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/cancelled/) });
  });

  it("requests expire: shown as expired, never executed, and the sweep records it", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "13.00");
    await database.owner`update approval_requests set expires_at = now() - interval '1 minute' where id = ${created.requestId}`;
    const detail = await checkerA.caller.approvals.get({ id: created.requestId });
    expect(detail.status).toBe("expired");
    expect(detail.actions.decide).toMatchObject({ allowed: false, reason: expect.stringMatching(/expired/) });
    await expect(checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/expired/) });
    expect(await expireRequests(database.app.db)).toBeGreaterThanOrEqual(1);
    expect(await statusOf(created.requestId)).toBe("expired");
    const [audit] = await database.owner`select actor_id from audit_events where action = 'approval.expired' and target_id = ${created.requestId}`;
    expect(audit?.actor_id).toBe("worker");
  });

  it("queues: waiting-for-me excludes my own and already-decided requests; counts follow", async () => {
    const wallet = await fundedWallet();
    const checker = await signedInCaller(database.app.db, "compliance");
    const before = await checker.caller.approvals.counts();
    const created = await request(maker.caller, wallet, "3000.00", { reasonCode: "other" });
    const waiting = await checker.caller.approvals.list({ queue: "waiting", limit: 200 });
    expect(waiting.items.map((item) => item.id)).toContain(created.requestId);
    expect((await checker.caller.approvals.counts()).waitingForMe).toBe(before.waitingForMe + 1);
    await checker.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" });
    const after = await checker.caller.approvals.list({ queue: "waiting", limit: 200 });
    expect(after.items.map((item) => item.id)).not.toContain(created.requestId);
    const mine = await maker.caller.approvals.list({ queue: "mine", limit: 200 });
    expect(mine.items.every((item) => item.makerId === maker.member.id)).toBe(true);
  });

  it("bulk decisions report per item: some succeed while others fail", async () => {
    const wallet = await fundedWallet();
    const a = await request(maker.caller, wallet, "5.00");
    const b = await request(maker.caller, wallet, "6.00");
    await checkerB.caller.approvals.decide({ requestId: b.requestId, payloadHash: b.payloadHash, decision: "reject", comment: "no" });
    const result = await checkerA.caller.approvals.bulkDecide({ items: [{ requestId: a.requestId, payloadHash: a.payloadHash }, { requestId: b.requestId, payloadHash: b.payloadHash }], decision: "approve" });
    expect(result.results).toEqual([
      { requestId: a.requestId, ok: true, status: "executed", code: null, message: null },
      { requestId: b.requestId, ok: false, status: null, code: "NOT_PENDING", message: expect.stringMatching(/rejected/) },
    ]);
  });

  it("a policy change needs two approvals from people other than its maker, then takes effect", async () => {
    const current = await checkerA.caller.approvals.policy();
    const rules = (current.rules as { id: string; currency?: string; maxAmount?: string }[]).map((rule) => (rule.id === "small-EUR" ? { ...rule, maxAmount: "100.00" } : rule));
    const proposed = await checkerA.caller.approvals.proposePolicy({ idempotencyKey: key(), justification: "Lower the single-checker limit after the audit finding.", policy: { rules, dailyCaps: current.dailyCaps, expiryHours: current.expiryHours } as never });
    await expect(checkerA.caller.approvals.decidePolicy({ requestId: proposed.requestId, payloadHash: proposed.payloadHash, decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await signedInCaller(database.app.db, "admin");
    expect(await checkerB.caller.approvals.decidePolicy({ requestId: proposed.requestId, payloadHash: proposed.payloadHash, decision: "approve" })).toMatchObject({ status: "pending", approvals: 1 });
    expect(await admin.caller.approvals.decidePolicy({ requestId: proposed.requestId, payloadHash: proposed.payloadHash, decision: "approve" })).toMatchObject({ status: "executed", resultRef: String(current.version + 1) });
    const wallet = await fundedWallet();
    expect((await request(maker.caller, wallet, "150.00")).approvalsRequired).toBe(2);
  });

  it("the detail view gives the checker's preview and says, per viewer, why an action is not allowed", async () => {
    const wallet = await fundedWallet();
    const created = await request(maker.caller, wallet, "1500.00", { reasonCode: "other", ticketRef: "TICKET-77" });
    const asMaker = await maker.caller.approvals.get({ id: created.requestId });
    expect(asMaker).toMatchObject({ justification: "Customer was charged twice for the same round.", ticketRef: "TICKET-77", accountName: "Wallet EUR", policyChange: null });
    expect(asMaker.actions).toEqual({ decide: { allowed: false, reason: "You made this request; someone else must decide it." }, cancel: { allowed: true, reason: null } });
    expect(asMaker.balances?.after.toString()).toBe("2500");
    await checkerA.caller.approvals.decide({ requestId: created.requestId, payloadHash: created.payloadHash, decision: "approve" });
    const again = await checkerA.caller.approvals.get({ id: created.requestId });
    expect(again.actions.decide).toEqual({ allowed: false, reason: expect.stringMatching(/^You have already approved this request/) });
    expect(again.actions.cancel).toEqual({ allowed: false, reason: "Only the maker can cancel." });
    expect((await checkerB.caller.approvals.get({ id: created.requestId })).actions.decide).toEqual({ allowed: true, reason: null });
    // A deposit after the request shows as drift in the checker's preview.
    await database.app.db.transaction(async (tx) => {
      const clearing = await systemAccount(tx, "provider_clearing", "EUR");
      await postTransaction(tx, { idempotencyKey: key(), kind: "deposit", initiator: { type: "service", id: "test" }, occurredAt: new Date(), entries: [{ accountId: clearing.id, amount: new MoneyDecimal("7.50") }, { accountId: wallet, amount: new MoneyDecimal("-7.50") }] });
    });
    const drifted = await checkerB.caller.approvals.get({ id: created.requestId });
    expect(drifted.balances?.drift.toString()).toBe("7.5");
    expect(drifted.timeline.map((entry) => entry.action)).toEqual(["adjustment.requested", "approval.decide"]);
  });

  it("administrators, who manage policy but do not read adjustments, list and open policy changes only", async () => {
    const admin = await signedInCaller(database.app.db, "admin");
    const current = await admin.caller.approvals.policy();
    const proposed = await checkerA.caller.approvals.proposePolicy({ idempotencyKey: key(), justification: "Shorter expiry after the audit finding on stale requests.", policy: { rules: current.rules, dailyCaps: current.dailyCaps, expiryHours: 48 } as never });
    const pending = await admin.caller.approvals.policyChanges({ status: "pending" });
    expect(pending.items.map((item) => item.id)).toContain(proposed.requestId);
    expect(pending.items.every((item) => item.kind === "policy_change")).toBe(true);
    const detail = await admin.caller.approvals.policyChange({ id: proposed.requestId });
    expect(detail.policyChange).toMatchObject({ basedOnVersion: current.version, activeVersion: current.version, proposed: { expiryHours: 48 }, basedOn: { expiryHours: current.expiryHours } });
    expect(detail.actions.decide).toEqual({ allowed: true, reason: null });
    const wallet = await fundedWallet();
    const adjustment = await request(maker.caller, wallet, "16.00");
    await expect(admin.caller.approvals.policyChange({ id: adjustment.requestId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.caller.approvals.get({ id: adjustment.requestId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await checkerB.caller.approvals.decidePolicy({ requestId: proposed.requestId, payloadHash: proposed.payloadHash, decision: "reject", comment: "Keep 72 hours." });
  });

  it("a maker's own account id for a non-customer account is refused", async () => {
    const system = await database.app.db.transaction((tx) => systemAccount(tx, "house_cash", "EUR"));
    await expect(request(maker.caller, system.id, "10.00")).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/customer accounts only/) });
  });

});
