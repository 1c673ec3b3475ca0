import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { sampleRun } from "@/test/support/recon";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { exportDifferencesCsv, reconExportHeader } from "./export-report";
import { sampleDifferences } from "./sample-run";

describe("reconciliation run report", () => {
  let database: TestDatabase;
  let finance: Awaited<ReturnType<typeof signedInCaller>>;
  let run: Awaited<ReturnType<typeof sampleRun>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    finance = await signedInCaller(database.app.db, "finance");
    run = await sampleRun(database.app.db, finance.member.id, { matchedLines: 88 });
  });
  afterAll(() => database.drop());

  it("summarises count and amount per class and currency, and the matched share from the stored line counts", async () => {
    const summary = await finance.caller.recon.report.summary({ runId: run.runId });
    expect(summary).toMatchObject({ lines: 95, matchedLines: 88, matchedShare: "0.9263", differences: sampleDifferences.length, source: "stored" });
    const figure = (klass: string, currency: string | null) => summary.byClass.find((row) => row.class === klass && row.currency === currency);
    expect(figure("amount_mismatch", "EUR")).toEqual({ class: "amount_mismatch", currency: "EUR", count: 1, amount: "10.00" });
    expect(figure("amount_mismatch", "GBP")).toEqual({ class: "amount_mismatch", currency: "GBP", count: 1, amount: "5.50" });
    expect(figure("missing_in_ledger", "EUR")).toEqual({ class: "missing_in_ledger", currency: "EUR", count: 2, amount: "49.25" });
    expect(figure("trial_balance", null)).toEqual({ class: "trial_balance", currency: null, count: 1, amount: "0" });
    expect(new Set(summary.byClass.map((row) => row.class)).size).toBe(10);
  });

  it("counts lines and matches when the run stored no line counts, with the same figures", async () => {
    const other = await sampleRun(database.app.db, finance.member.id, { matchedLines: 40, storeLineCounts: false });
    const summary = await finance.caller.recon.report.summary({ runId: other.runId });
    expect(summary).toMatchObject({ lines: 47, matchedLines: 40, matchedShare: "0.8510", differences: sampleDifferences.length, source: "computed" });
  });

  it("charts differences by day and class", async () => {
    const chart = await finance.caller.recon.report.chart({ runId: run.runId });
    const days = [...new Set(chart.days.map((row) => row.day))];
    expect(days).toHaveLength(3);
    expect(chart.days.reduce((sum, row) => sum + row.count, 0)).toBe(sampleDifferences.length);
    expect(chart.days.find((row) => row.day === days[2] && row.class === "missing_in_ledger")?.count).toBe(1);
  });

  it("pages the drill-down on a keyset without gaps or repeats, and filters by class, currency, reference and days", async () => {
    const seen: string[] = [];
    let cursor: { at: string; id: string } | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await finance.caller.recon.report.differences({ runId: run.runId, limit: 5, cursor });
      seen.push(...result.items.map((row) => row.id));
      if (!result.next) break;
      cursor = result.next;
    }
    expect(seen).toHaveLength(sampleDifferences.length);
    expect(new Set(seen).size).toBe(sampleDifferences.length);

    const eur = await finance.caller.recon.report.differences({ runId: run.runId, class: ["amount_mismatch"], currency: "EUR" });
    expect(eur.items).toHaveLength(1);
    expect(eur.items[0]).toMatchObject({ statementAmount: "100.00", ledgerAmount: "90.00", amount: "10.00", accountId: run.accountId, exceptionStatus: "open" });
    const byReference = await finance.caller.recon.report.differences({ runId: run.runId, reference: "PAY-MP-1" });
    expect(byReference.items.map((row) => row.class)).toEqual(["missing_at_provider"]);
    const header = await finance.caller.recon.report.run({ runId: run.runId });
    const firstDay = header.windowFrom?.toISOString().slice(0, 10) ?? "";
    const firstDayOnly = await finance.caller.recon.report.differences({ runId: run.runId, from: firstDay, to: firstDay });
    expect(firstDayOnly.items).toHaveLength(sampleDifferences.filter((row) => row.dayOffset === 0).length);
  });

  it("refuses bad filters naming the field, and an unknown run", async () => {
    await expect(finance.caller.recon.report.differences({ runId: run.runId, from: "2026-02-30x" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/from/) });
    await expect(finance.caller.recon.report.differences({ runId: run.runId, from: "2026-03-02", to: "2026-03-01" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/from must be on or before to/) });
    await expect(finance.caller.recon.report.summary({ runId: "018f0000-0000-7000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lets auditors read the report and refuses roles without recon.read, auditing the refusal", async () => {
    const auditor = await signedInCaller(database.app.db, "auditor");
    await expect(auditor.caller.recon.report.summary({ runId: run.runId })).resolves.toMatchObject({ runId: run.runId });
    const support = await signedInCaller(database.app.db, "support");
    await expect(support.caller.recon.report.summary({ runId: run.runId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [denied] = await database.owner`select action, outcome from audit_events where actor_id = ${support.member.id} order by seq desc limit 1`;
    expect(denied).toMatchObject({ action: "access.denied", outcome: "denied" });
  });

  it("exports exactly the drill-down's rows in its order, with the formula-injection reference escaped", async () => {
    const screen = await finance.caller.recon.report.differences({ runId: run.runId, currency: "EUR", limit: 200 });
    const text = await new Response(exportDifferencesCsv(database.app.db, { runId: run.runId, currency: "EUR" })).text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe(reconExportHeader.join(","));
    expect(lines.slice(1).map((line) => line.match(/[0-9a-f-]{36},[0-9a-f-]{36}$/)?.[0]?.split(",")[0])).toEqual(screen.items.map((row) => row.id));
    const injected = lines.find((line) => line.includes("HYPERLINK")) ?? "";
    expect(injected).toContain(`"'=HYPERLINK(""http://evil.example/x"",""click"")"`);
    expect(lines.find((line) => line.includes("PAY-AM-1"))).toContain(",EUR,100.00,90.00,10.00,open,");
  });
});
