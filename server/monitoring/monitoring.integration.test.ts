import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, drainInbox, event, webhookCustomer } from "@/test/support/webhooks";
import { systemAccount } from "../ledger/open-account";
import { postTransaction } from "../ledger/post-transaction";
import { MoneyDecimal } from "../money";
import type { MonitorState } from "./evaluate";
import { ledgerVerificationCache, runChecks, type CheckRun } from "./run-checks";
import { generateSigningKeyText, parseSigningKey } from "../audit/checkpoints/signing-key";
import { appendAuditEvent } from "../audit/append-audit-event";
import { recordCheckpoint } from "../audit/record-checkpoint";

type Caller = Awaited<ReturnType<typeof signedInCaller>>["caller"];

function stateOf(run: CheckRun, monitor: string): MonitorState | undefined {
  return run.results.find((result) => result.monitor === monitor)?.state;
}

describe("integrity monitors", () => {
  let database: TestDatabase;
  let operator: Caller;
  let colleague: Caller;
  let auditor: Caller;
  let admin: Caller;
  let secondAdmin: Caller;
  let compliance: Caller;
  let seq = 0;
  const unique = (label: string) => `${label}-${(seq += 1)}-${randomBytes(3).toString("hex")}`;

  const check = () => runChecks(database.app.db);
  /** Crafted thresholds, written as the owner would through an approved request (tests the data, not the approval). */
  const setThreshold = async (monitor: string, warning: string, critical: string, params: Record<string, number> = {}) => {
    await database.owner`
      insert into monitor_thresholds (monitor, version, warning, critical, direction, params, created_by)
      select ${monitor}, coalesce(max(version), 0) + 1, ${warning}, ${critical}, 'above', ${database.owner.json(params)}, 'test'
        from monitor_thresholds where monitor = ${monitor}`;
  };
  const tamper = async (accountId: string, by: string) => {
    await database.owner`update account_balances set balance = balance + ${by}::numeric where account_id = ${accountId}`;
  };
  const openAccount = (currency: string) => database.app.db.transaction((tx) => systemAccount(tx, "adjustments", currency));
  const unresolvedAlert = async (monitor: string) => {
    const rows = await database.owner`select id, severity::text, status::text, evidence_href, cleared_at from alerts where monitor = ${monitor} and status <> 'resolved'`;
    return rows[0] as { id: string; severity: string; status: string; evidence_href: string | null; cleared_at: Date | null } | undefined;
  };
  /** Time passes for rows whose times are guarded: the owner lifts the guard for this one statement only. */
  const travel = async (table: string, trigger: string, assignment: string, where = "true") => {
    await database.owner.begin(async (owner) => {
      await owner.unsafe(`alter table ${table} disable trigger ${trigger}`);
      await owner.unsafe(`update ${table} set ${assignment} where ${where}`);
      await owner.unsafe(`alter table ${table} enable always trigger ${trigger}`);
    });
  };
  const eventsOf = async (alertId: string) => (await database.owner`select kind from alert_events where alert_id = ${alertId} order by id`).map((row) => row.kind as string);

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 12 });
    operator = (await signedInCaller(database.app.db, "operations")).caller;
    colleague = (await signedInCaller(database.app.db, "operations")).caller;
    auditor = (await signedInCaller(database.app.db, "auditor")).caller;
    admin = (await signedInCaller(database.app.db, "admin")).caller;
    secondAdmin = (await signedInCaller(database.app.db, "admin")).caller;
    compliance = (await signedInCaller(database.app.db, "compliance")).caller;
    const first = await check();
    expect(first.skipped).toBe(false);
  });
  afterAll(() => database.drop());

  it("writes the default thresholds once as version 1, also under concurrent checks, and one check runs at a time", async () => {
    const runs = await Promise.all([check(), check(), check()]);
    expect(runs.filter((run) => !run.skipped).length).toBeGreaterThanOrEqual(1);
    const versions = await database.owner`select monitor, count(*)::int as n from monitor_thresholds where version = 1 group by monitor`;
    expect(versions.length).toBeGreaterThanOrEqual(20);
    expect(versions.every((row) => row.n === 1)).toBe(true);
  });

  it("a balance mismatch opens one critical alert however often it is checked, links to the account, and clears when fixed", async () => {
    const account = await openAccount("EUR");
    expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("ok");
    await tamper(account.id, "5.00");
    for (let round = 0; round < 3; round += 1) expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("critical");
    const alerts = await database.owner`select id from alerts where monitor = 'ledger.balance_mismatches'`;
    expect(alerts).toHaveLength(1);
    const alert = await unresolvedAlert("ledger.balance_mismatches");
    expect(alert).toMatchObject({ severity: "critical", status: "open", evidence_href: `/accounts/${account.id}` });
    if (!alert) throw new Error("no alert");
    expect(await eventsOf(alert.id)).toEqual(["opened"]);
    expect(await database.owner`select id from outbox_events where aggregate_id = ${alert.id} and type = 'alert.opened'`).toHaveLength(1);
    const audited = await database.owner`select actor_type::text, actor_id from audit_events where action = 'alert.opened' and target_id = ${alert.id}`;
    expect(audited).toEqual([{ actor_type: "service", actor_id: "monitor" }]);
    const readings = await database.owner`select state::text, value::text from monitor_readings where monitor = 'ledger.balance_mismatches' order by id desc limit 3`;
    expect(readings.every((row) => row.state === "critical" && row.value === "1")).toBe(true);

    await tamper(account.id, "-5.00");
    expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("ok");
    const cleared = await unresolvedAlert("ledger.balance_mismatches");
    expect(cleared?.cleared_at).not.toBeNull();
    expect(await eventsOf(alert.id)).toEqual(["opened", "cleared"]);
    // Cleared is not resolved: a person resolves it, with a comment.
    await operator.monitoring.resolve({ alertId: alert.id, comment: "Cache rebuilt from the entries; ticket OPS-12." });
    expect(await unresolvedAlert("ledger.balance_mismatches")).toBeUndefined();
  });

  it("the worker's checks reuse a ledger verification for its interval; a check without the cache verifies afresh", async () => {
    const account = await openAccount("USD");
    const cache = ledgerVerificationCache(3600);
    const cached = () => runChecks(database.app.db, { ledgerCache: cache });
    const verifiedAt = async () => {
      const [reading] = await database.owner<{ verified_at: string }[]>`
        select details->>'verifiedAt' as verified_at from monitor_readings where monitor = 'ledger.balance_mismatches' order by id desc limit 1`;
      return reading?.verified_at;
    };
    expect(stateOf(await cached(), "ledger.balance_mismatches")).toBe("ok");
    const first = await verifiedAt();
    expect(first).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await tamper(account.id, "2.00");
    // Within the interval the worker's check reports the verification it already has, and says when it ran.
    expect(stateOf(await cached(), "ledger.balance_mismatches")).toBe("ok");
    expect(await verifiedAt()).toBe(first);
    // An operator's check (no cache) sees the tampering at once.
    expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("critical");
    // Once the interval has passed, so does the worker's.
    cache.maxAgeMs = 0;
    expect(stateOf(await cached(), "ledger.balance_mismatches")).toBe("critical");
    expect(await verifiedAt()).not.toBe(first);
    await tamper(account.id, "-2.00");
    expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("ok");
    const alert = await unresolvedAlert("ledger.balance_mismatches");
    if (!alert) throw new Error("no alert");
    await operator.monitoring.resolve({ alertId: alert.id, comment: "Test tampering undone." });
  });

  it("acknowledge and resolve need a comment and alert.manage, are audited, and race safely", async () => {
    const account = await openAccount("GBP");
    await tamper(account.id, "1.00");
    await check();
    const alert = await unresolvedAlert("ledger.balance_mismatches");
    if (!alert) throw new Error("no alert");
    await expect(operator.monitoring.acknowledge({ alertId: alert.id, comment: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(auditor.monitoring.acknowledge({ alertId: alert.id, comment: "Looking into it" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.monitoring.resolve({ alertId: alert.id, comment: "Looking into it" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const racing = await Promise.allSettled([operator.monitoring.acknowledge({ alertId: alert.id, comment: "Mine, checking the cache" }), colleague.monitoring.acknowledge({ alertId: alert.id, comment: "Mine too" })]);
    expect(racing.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(racing.find((result) => result.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect((await unresolvedAlert("ledger.balance_mismatches"))?.status).toBe("acknowledged");
    const detail = await auditor.monitoring.alert({ id: alert.id });
    expect(detail.events.map((entry) => entry.kind)).toEqual(["opened", "acknowledged"]);
    expect(detail.events[1]?.actorName).toBe("Test operations");

    // Still failing after the acknowledgement: the next checks only update last seen.
    await check();
    expect(await eventsOf(alert.id)).toEqual(["opened", "acknowledged"]);
    await operator.monitoring.resolve({ alertId: alert.id, comment: "Fixed by adjustment request; see ticket." });
    await expect(operator.monitoring.resolve({ alertId: alert.id, comment: "Again" })).rejects.toMatchObject({ code: "CONFLICT" });
    const audited = await database.owner`select action, outcome::text, details::jsonb as details from audit_events where target_id = ${alert.id} and actor_type = 'staff' order by seq`;
    expect(audited.map((row) => `${row.action}:${row.outcome}`)).toEqual(["alert.acknowledged:success", "alert.acknowledged:failed", "alert.resolved:success", "alert.resolved:failed"]);
    // Either acknowledgement may win the race; the audit record carries the winner's comment.
    const winner = racing[0]?.status === "fulfilled" ? "Mine, checking the cache" : "Mine too";
    expect((audited[0]?.details as { comment?: string }).comment).toBe(winner);

    // Resolved while still failing: the next check opens a new alert instead of touching the old one.
    await check();
    const reopened = await unresolvedAlert("ledger.balance_mismatches");
    expect(reopened?.id).not.toBe(alert.id);
    await tamper(account.id, "-1.00");
    await check();
    if (reopened) await operator.monitoring.resolve({ alertId: reopened.id, comment: "Cleared, closing." });
  });

  it("a threshold change needs four eyes, and the next check uses the new version: warning, then escalation to critical", async () => {
    const input = { monitor: "ledger.balance_mismatches", warning: "1", critical: "2", direction: "above" as const, params: {}, justification: "Two accounts before paging at night" };
    await expect(operator.monitoring.proposeThreshold(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.monitoring.proposeThreshold({ ...input, warning: "3" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.monitoring.proposeThreshold({ ...input, warning: "1e3" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const proposal = await admin.monitoring.proposeThreshold(input);
    await expect(admin.monitoring.proposeThreshold(input)).rejects.toMatchObject({ code: "CONFLICT" });
    const decide = { requestId: proposal.requestId, payloadHash: proposal.payloadHash, decision: "approve" as const };
    await expect(admin.monitoring.decideThreshold(decide)).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("someone else") });
    await expect(operator.monitoring.decideThreshold(decide)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const pending = await auditor.monitoring.thresholdRequests({ status: "pending" });
    expect(pending.find((request) => request.id === proposal.requestId)).toMatchObject({ current: { warning: "1", critical: "1" }, proposed: { warning: "1", critical: "2" } });
    // The approvals queue filters by the kind too.
    const listed = await compliance.approvals.list({ queue: "all", kind: "monitor_threshold", status: "pending" });
    expect(listed.items.map((item) => item.id)).toEqual([proposal.requestId]);
    // Nothing changed before the approval.
    expect((await database.owner`select max(version)::int as v from monitor_thresholds where monitor = 'ledger.balance_mismatches'`)[0]?.v).toBe(1);
    const decided = await secondAdmin.monitoring.decideThreshold(decide);
    expect(decided).toMatchObject({ status: "executed", resultRef: "ledger.balance_mismatches@2" });

    const first = await openAccount("USD");
    const other = await database.app.db.transaction((tx) => systemAccount(tx, "suspense", "USD"));
    await tamper(first.id, "2.00");
    const warned = await check();
    expect(stateOf(warned, "ledger.balance_mismatches")).toBe("warning");
    expect(warned.results.find((result) => result.monitor === "ledger.balance_mismatches")?.thresholdVersion).toBe(2);
    const alert = await unresolvedAlert("ledger.balance_mismatches");
    expect(alert?.severity).toBe("warning");
    await tamper(other.id, "3.00");
    expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("critical");
    const escalated = await unresolvedAlert("ledger.balance_mismatches");
    expect(escalated).toMatchObject({ id: alert?.id, severity: "critical", evidence_href: "/integrity/monitors/ledger.balance_mismatches" });
    if (!escalated) throw new Error("no alert");
    expect(await eventsOf(escalated.id)).toEqual(["opened", "escalated"]);
    expect(await database.owner`select id from outbox_events where aggregate_id = ${escalated.id} and type = 'alert.escalated'`).toHaveLength(1);
    await tamper(first.id, "-2.00");
    await tamper(other.id, "-3.00");
    expect(stateOf(await check(), "ledger.balance_mismatches")).toBe("ok");
    await operator.monitoring.resolve({ alertId: escalated.id, comment: "Both caches rebuilt." });
    // A compliance officer may approve too; a rejection needs a comment.
    const again = await compliance.monitoring.proposeThreshold({ ...input, critical: "5", justification: "Quieter at night, five accounts" });
    // The approvals pages show it too, old beside new, and tell the maker they cannot decide it.
    const viewed = await compliance.approvals.get({ id: again.requestId });
    expect(viewed).toMatchObject({ kind: "monitor_threshold", monitorThreshold: { monitor: "ledger.balance_mismatches", basedOnVersion: 2, current: { critical: "2" }, proposed: { critical: "5" } }, actions: { decide: { allowed: false } } });
    expect(viewed.policyRuleDescription).toMatch(/monitor threshold change needs one approval/);
    await expect(admin.monitoring.decideThreshold({ requestId: again.requestId, payloadHash: again.payloadHash, decision: "reject" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await admin.monitoring.decideThreshold({ requestId: again.requestId, payloadHash: again.payloadHash, decision: "reject", comment: "Five is too many" });
    expect((await database.owner`select max(version)::int as v from monitor_thresholds where monitor = 'ledger.balance_mismatches'`)[0]?.v).toBe(2);
  });

  it("an operator's check-now is audited under the operator; reading roles cannot run it", async () => {
    const run = await operator.monitoring.checkNow();
    expect(run.skipped).toBe(false);
    expect(run.results.length).toBeGreaterThanOrEqual(20);
    await expect(auditor.monitoring.checkNow()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const audited = await database.owner`select actor_type::text from audit_events where action = 'monitor.check_now' and outcome = 'success'`;
    expect(audited).toEqual([{ actor_type: "staff" }]);
    const overview = await auditor.monitoring.overview();
    const card = overview.find((monitor) => monitor.key === "ledger.balance_mismatches");
    expect(card?.latest?.state).toBe("ok");
    expect(card?.history.length).toBeGreaterThan(3);
    expect(card?.threshold.version).toBe(2);
  });

  it("ledger: transactions failing the balance check and the trial balance per currency go to warning, critical, and back to ok", async () => {
    await setThreshold("ledger.unbalanced_transactions", "1", "2");
    await setThreshold("ledger.trial_balance", "1", "2");
    const posted = async (currency: string) =>
      database.app.db.transaction(async (tx) => {
        const debit = await systemAccount(tx, "adjustments", currency);
        const credit = await systemAccount(tx, "suspense", currency);
        const result = await postTransaction(tx, {
          idempotencyKey: unique("monitor-test"),
          kind: "adjustment",
          initiator: { type: "service", id: "test" },
          occurredAt: new Date(),
          entries: [
            { accountId: debit.id, amount: new MoneyDecimal("10.00") },
            { accountId: credit.id, amount: new MoneyDecimal("-10.00") },
          ],
        });
        return { transactionId: result.transactionId, accountId: debit.id };
      });
    // Only the owner, with the balance trigger lifted, can write an entry that unbalances a transaction.
    const unbalance = async (posting: { transactionId: string; accountId: string }, currency: string) =>
      database.owner.begin(async (owner) => {
        await owner.unsafe("alter table ledger_entries disable trigger ledger_entries_balanced");
        await owner`insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
                    select ${posting.transactionId}, ${posting.accountId}, ${currency}, 0.01, max(account_seq) + 1, 0, now() from ledger_entries where account_id = ${posting.accountId}`;
        await owner.unsafe("alter table ledger_entries enable always trigger ledger_entries_balanced");
      });
    const chf = await posted("CHF");
    const sek = await posted("SEK");
    let run = await check();
    expect([stateOf(run, "ledger.unbalanced_transactions"), stateOf(run, "ledger.trial_balance")]).toEqual(["ok", "ok"]);
    await unbalance(chf, "CHF");
    run = await check();
    expect([stateOf(run, "ledger.unbalanced_transactions"), stateOf(run, "ledger.trial_balance")]).toEqual(["warning", "warning"]);
    await unbalance(sek, "SEK");
    run = await check();
    expect([stateOf(run, "ledger.unbalanced_transactions"), stateOf(run, "ledger.trial_balance")]).toEqual(["critical", "critical"]);
    await database.owner.begin(async (owner) => {
      await owner.unsafe("alter table ledger_entries disable trigger ledger_entries_refuse_update_delete");
      await owner`delete from ledger_entries where amount = 0.01 and transaction_id in ${owner([chf.transactionId, sek.transactionId])}`;
      await owner.unsafe("alter table ledger_entries enable always trigger ledger_entries_refuse_update_delete");
    });
    run = await check();
    expect([stateOf(run, "ledger.unbalanced_transactions"), stateOf(run, "ledger.trial_balance")]).toEqual(["ok", "ok"]);
  });

  it("dead letters: count and growth per hour go to warning, critical, and back to ok", async () => {
    await setThreshold("deadletters.count", "1", "2");
    await setThreshold("deadletters.growth", "1", "2");
    const deadPayment = async () => {
      const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: unique("pay"), customerRef: unique("ghost"), amount: "10.00", currency: "EUR" }));
      if (result.status !== 200) throw new Error("refused");
      await drainInbox(database.app.db);
    };
    await deadPayment();
    let run = await check();
    expect([stateOf(run, "deadletters.count"), stateOf(run, "deadletters.growth")]).toEqual(["warning", "warning"]);
    await deadPayment();
    run = await check();
    expect([stateOf(run, "deadletters.count"), stateOf(run, "deadletters.growth")]).toEqual(["critical", "critical"]);
    const [member] = await database.owner`select id from staff limit 1`;
    const staffId = member?.id as string;
    await database.owner`update dead_letters set status = 'discarded', discard_reason = 'test', discarded_by = ${staffId}, dead_lettered_at = dead_lettered_at - interval '2 hours'`;
    run = await check();
    expect([stateOf(run, "deadletters.count"), stateOf(run, "deadletters.growth")]).toEqual(["ok", "ok"]);
  });

  it("outbox: undelivered count and the oldest's age go to warning, critical, and back to ok", async () => {
    await setThreshold("outbox.undelivered", "1", "2");
    await setThreshold("outbox.oldest_undelivered", "60", "120");
    const deliverOthers = () => database.owner`update outbox_events set status = 'delivered', delivered_at = now() where status = 'pending' and aggregate_type <> 'test'`;
    const craft = (ageSeconds: number) => database.owner`
      insert into outbox_events (id, type, aggregate_type, aggregate_id, payload, created_at) values (${uuidv7()}, 'test.crafted', 'test', 'x', '{}', now() - make_interval(secs => ${ageSeconds}))`;
    await deliverOthers();
    await craft(90);
    let run = await check();
    expect([stateOf(run, "outbox.undelivered"), stateOf(run, "outbox.oldest_undelivered")]).toEqual(["warning", "warning"]);
    await deliverOthers();
    await craft(200);
    run = await check();
    expect([stateOf(run, "outbox.undelivered"), stateOf(run, "outbox.oldest_undelivered")]).toEqual(["critical", "critical"]);
    await database.owner`update outbox_events set status = 'delivered', delivered_at = now() where status = 'pending'`;
    run = await check();
    expect([stateOf(run, "outbox.undelivered"), stateOf(run, "outbox.oldest_undelivered")]).toEqual(["ok", "ok"]);
  });

  it("providers: unapplied payment events and stuck withdrawals go to warning, critical, and back to ok", async () => {
    await setThreshold("providers.payments_pending", "1", "2", { minutes: 15 });
    await setThreshold("providers.withdrawals_stuck", "1", "2", { minutes: 60 });
    const customer = await webhookCustomer(database.app.db, unique("cust"));
    const pendingPayment = async () => {
      const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: unique("pay"), customerRef: unique("late"), amount: "1.00", currency: "EUR" }));
      if (result.status !== 200) throw new Error("refused");
      await travel("webhook_inbox", "webhook_inbox_guard_update", "received_at = now() - interval '20 minutes'", `event_id = '${result.eventId}'`);
    };
    const stuckWithdrawal = () => database.owner`
      insert into provider_withdrawals (id, provider, withdrawal_id, customer_id, amount, currency, status, requested_at, hold_transaction_id, last_event_id)
      values (${uuidv7()}, 'acmepay', ${unique("wd")}, ${customer.customerId}, 5, 'EUR', 'requested', now() - interval '2 hours', ${uuidv7()}, 'evt')`;
    await pendingPayment();
    await stuckWithdrawal();
    let run = await check();
    expect([stateOf(run, "providers.payments_pending"), stateOf(run, "providers.withdrawals_stuck")]).toEqual(["warning", "warning"]);
    await pendingPayment();
    await stuckWithdrawal();
    run = await check();
    expect([stateOf(run, "providers.payments_pending"), stateOf(run, "providers.withdrawals_stuck")]).toEqual(["critical", "critical"]);
    const detail = await auditor.monitoring.history({ monitor: "providers.withdrawals_stuck", limit: 1 });
    expect((detail.readings[0]?.details as { withdrawals: unknown[] }).withdrawals).toHaveLength(2);
    await drainInbox(database.app.db);
    await database.owner`update provider_withdrawals set status = 'failed', settled_at = now() where status = 'requested'`;
    run = await check();
    expect([stateOf(run, "providers.payments_pending"), stateOf(run, "providers.withdrawals_stuck")]).toEqual(["ok", "ok"]);
  });

  it("webhooks: duplicate deliveries per hour and delay go to warning, critical, and back to ok", async () => {
    await setThreshold("webhooks.duplicates", "1", "2");
    await setThreshold("webhooks.delay", "60", "120", { minutes: 15 });
    await travel("webhook_inbox", "webhook_inbox_guard_update", "received_at = received_at - interval '1 hour'");
    const body = event("payment.succeeded", { paymentId: unique("pay"), customerRef: unique("dup"), amount: "1.00", currency: "EUR" });
    const id = `evt_${unique("dup")}`;
    await deliver(database.app.db, body, { id, at: new Date(Date.now() - 90_000) });
    const repeat = await deliver(database.app.db, body, { id, at: new Date(Date.now() - 90_000) });
    expect(repeat).toMatchObject({ status: 200, duplicate: true });
    let run = await check();
    expect([stateOf(run, "webhooks.duplicates"), stateOf(run, "webhooks.delay")]).toEqual(["warning", "warning"]);
    await deliver(database.app.db, body, { id, at: new Date(Date.now() - 90_000) });
    await deliver(database.app.db, event("payment.succeeded", { paymentId: unique("pay"), customerRef: unique("late"), amount: "1.00", currency: "EUR" }), { at: new Date(Date.now() - 250_000) });
    run = await check();
    expect([stateOf(run, "webhooks.duplicates"), stateOf(run, "webhooks.delay")]).toEqual(["critical", "critical"]);
    // An hour passes.
    await travel("webhook_duplicates", "webhook_duplicates_refuse_update_delete", "received_at = received_at - interval '2 hours'");
    await travel("webhook_inbox", "webhook_inbox_guard_update", "received_at = received_at - interval '1 hour'");
    run = await check();
    expect([stateOf(run, "webhooks.duplicates"), stateOf(run, "webhooks.delay")]).toEqual(["ok", "ok"]);
  });

  it("reconciliation: open exceptions, the oldest one's age and the last successful run go to warning, critical, and back to ok", async () => {
    await setThreshold("recon.open_exceptions", "1", "2");
    const run = async (hoursAgo: number) => {
      const id = uuidv7();
      await database.owner`
        insert into recon_runs (id, scope, mode, trigger, status, parameters, summary, requested_by, started_at, finished_at)
        values (${id}, 'payments', 'recorded', 'schedule', 'completed', '{}', '{}', 'test', now() - make_interval(hours => ${hoursAgo}), now() - make_interval(hours => ${hoursAgo}))`;
      return id;
    };
    const exception = async (runId: string, hoursAgo: number) => {
      const differenceId = uuidv7();
      const fingerprint = unique("fp");
      await database.owner`insert into recon_differences (id, run_id, class, fingerprint) values (${differenceId}, ${runId}, 'missing_in_ledger', ${fingerprint})`;
      await database.owner`
        insert into recon_exceptions (id, fingerprint, class, difference_id, first_run_id, last_run_id, opened_at)
        values (${uuidv7()}, ${fingerprint}, 'missing_in_ledger', ${differenceId}, ${runId}, ${runId}, now() - make_interval(hours => ${hoursAgo}))`;
    };
    let result = await check();
    expect(stateOf(result, "recon.last_run.payments")).toBe("unknown");
    const old = await run(50);
    await exception(old, 30);
    result = await check();
    expect([stateOf(result, "recon.last_run.payments"), stateOf(result, "recon.open_exceptions"), stateOf(result, "recon.oldest_exception")]).toEqual(["critical", "warning", "warning"]);
    const recent = await run(30);
    await exception(recent, 80);
    result = await check();
    expect([stateOf(result, "recon.last_run.payments"), stateOf(result, "recon.open_exceptions"), stateOf(result, "recon.oldest_exception")]).toEqual(["warning", "critical", "critical"]);
    expect(result.results.find((entry) => entry.monitor === "recon.open_exceptions")?.alertId).not.toBeNull();
    await run(0);
    await database.owner`update recon_exceptions set status = 'resolved', resolved_at = now(), resolution = 'test'`;
    result = await check();
    expect([stateOf(result, "recon.last_run.payments"), stateOf(result, "recon.open_exceptions"), stateOf(result, "recon.oldest_exception")]).toEqual(["ok", "ok", "ok"]);
  });

  it("audit chain: verification and checkpoint age go to warning and critical, a failed verification is critical, and back to ok", async () => {
    const verification = (hoursAgo: number, ok: boolean) => database.owner`
      insert into audit_verifications (id, started_at, finished_at, ok, records, first_broken_seq, reason, trigger)
      values (${uuidv7()}, now() - make_interval(hours => ${hoursAgo}), now() - make_interval(hours => ${hoursAgo}), ${ok}, 10, ${ok ? null : 7}, ${ok ? null : "hash mismatch"}, 'schedule')`;
    let checkpointSeq = 0;
    const checkpoint = (hoursAgo: number) => database.owner`
      insert into audit_checkpoints (seq, hash, signed_at, key_id, message, signature)
      values (${(checkpointSeq += 1)}, ${"a".repeat(64)}, now() - make_interval(hours => ${hoursAgo}), 'k1', 'm', 's')`;
    let run = await check();
    expect([stateOf(run, "audit.last_verification"), stateOf(run, "audit.checkpoint_age")]).toEqual(["unknown", "unknown"]);
    await verification(50, true);
    await checkpoint(50);
    run = await check();
    expect([stateOf(run, "audit.last_verification"), stateOf(run, "audit.checkpoint_age")]).toEqual(["critical", "critical"]);
    await verification(26, true);
    await checkpoint(26);
    run = await check();
    expect([stateOf(run, "audit.last_verification"), stateOf(run, "audit.checkpoint_age")]).toEqual(["warning", "warning"]);
    await verification(0, true);
    await checkpoint(0);
    run = await check();
    expect([stateOf(run, "audit.last_verification"), stateOf(run, "audit.checkpoint_age")]).toEqual(["ok", "ok"]);
    await verification(0, false);
    run = await check();
    expect(stateOf(run, "audit.last_verification")).toBe("critical");
    await verification(0, true);
    expect(stateOf(await check(), "audit.last_verification")).toBe("ok");
  });

  it("audit checkpoints: one that could not be exported is a warning, an hour of them critical", async () => {
    const key = parseSigningKey(generateSigningKeyText());
    const folder = mkdtempSync(path.join(tmpdir(), "countersign-checkpoints-"));
    const record = async (file: string) => {
      const outcome = await recordCheckpoint(database.app.db, { key, trigger: "schedule", exportTo: { file } });
      expect(outcome.status).toBe("recorded");
    };
    try {
      // A chain with a head to sign, whatever ran before.
      await database.app.db.transaction((tx) =>
        appendAuditEvent(tx, {
          actor: { type: "service", id: "monitoring-test" },
          action: "test.event",
          outcome: "success",
          target: { type: "test", id: "1" },
          details: {},
          request: { correlationId: null, ip: null, userAgent: null },
        }),
      );
      await record(path.join(folder, "checkpoints.jsonl"));
      expect(stateOf(await check(), "audit.checkpoint_export_failures")).toBe("ok");
      // A folder that does not exist: the export fails, the checkpoint is still recorded.
      const nowhere = path.join(folder, "missing", "checkpoints.jsonl");
      await record(nowhere);
      let run = await check();
      expect(stateOf(run, "audit.checkpoint_export_failures")).toBe("warning");
      expect(run.results.find((entry) => entry.monitor === "audit.checkpoint_export_failures")?.value).toBe("1");
      for (let failures = 2; failures <= 12; failures += 1) await record(nowhere);
      run = await check();
      expect(stateOf(run, "audit.checkpoint_export_failures")).toBe("critical");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("database: connection, size and replication lag report honestly (lag unknown without a replica)", async () => {
    let run = await check();
    expect(stateOf(run, "database.latency")).toBe("ok");
    expect(stateOf(run, "database.size")).toBe("ok");
    expect(stateOf(run, "database.replication_lag")).toBe("unknown");
    await setThreshold("database.size", "1", "1099511627776000");
    run = await check();
    expect(stateOf(run, "database.size")).toBe("warning");
    await setThreshold("database.size", "1", "2");
    expect(stateOf(await check(), "database.size")).toBe("critical");
    await setThreshold("database.size", "1099511627776000", "1099511627776000");
    expect(stateOf(await check(), "database.size")).toBe("ok");
    // Any round trip takes at least 0 ms: with the thresholds at zero the same healthy database is a warning, then critical.
    await setThreshold("database.latency", "0", "600000");
    expect(stateOf(await check(), "database.latency")).toBe("warning");
    await setThreshold("database.latency", "0", "0");
    expect(stateOf(await check(), "database.latency")).toBe("critical");
    await setThreshold("database.latency", "600000", "600000");
    expect(stateOf(await check(), "database.latency")).toBe("ok");
  });
});
