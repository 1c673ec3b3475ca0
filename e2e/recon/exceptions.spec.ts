import { readFile } from "node:fs/promises";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember } from "../support/data";
import { expect, test } from "../support/staff-pages";
import { reconRunWithExceptions } from "./recon-data";

test("finance reads a run report, raises the ledger adjustment for an amount mismatch, compliance approves it, the exception resolves and the CSV matches the screen", async ({ staffPage }) => {
  const finance = await createStaffMember("finance", "Fern Finance");
  const checker = await createStaffMember("compliance", "Cole Checker");
  const run = await reconRunWithExceptions(finance.id);

  // The report: header, summary and chart.
  const page = await staffPage(finance.email, finance.password);
  await page.goto(`/reconciliation/runs/${run.runId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Reconciliation report" })).toBeVisible();
  await expect(page.getByLabel("Matched share: 92.63%")).toBeVisible();
  await expect(page.getByLabel("Differences: 12")).toBeVisible();
  const summary = page.getByRole("table", { name: "Differences per class and currency" });
  await expect(summary.getByRole("row", { name: /Amount mismatch EUR 1 10\.00 EUR/ })).toBeVisible();
  await expect(summary.getByRole("row", { name: /Missing in ledger EUR 2 49\.25 EUR/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Differences by day and class/ })).toBeVisible();
  const drillDown = page.getByRole("table", { name: "Differences of this run, earliest day first" });
  await expect(drillDown.getByRole("row").filter({ has: page.getByRole("cell") })).toHaveCount(12);
  // The formula-injection reference is plain text on screen.
  await expect(drillDown.getByText('=HYPERLINK("http://evil.example/x","click")')).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // The print view: no navigation, filters or buttons; the report and its tables stay.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Console" })).toBeHidden();
  await expect(page.getByRole("form", { name: "Difference filters" })).toBeHidden();
  await expect(page.getByRole("toolbar", { name: "Report actions" })).toBeHidden();
  await expect(summary).toBeVisible();
  await expect(drillDown).toBeVisible();
  await page.emulateMedia({ media: "screen" });

  // Filter the drill-down to EUR; the export carries the same filter and holds the same rows.
  const filters = page.getByRole("form", { name: "Difference filters" });
  await filters.getByLabel("Currency").selectOption("EUR");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]currency=EUR(&|$)/);
  const rows = drillDown.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(rows).toHaveCount(8);
  const screenRows = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())));
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = await readFile(await (await downloading).path(), "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("occurred_on,class,provider,reference,currency,statement_amount,ledger_amount,amount,exception_status,transaction_id,account_id,difference_id,exception_id");
  expect(lines).toHaveLength(screenRows.length + 1);
  const unquote = (cell: string) => cell.replace(/^"|"$/g, "").replace(/""/g, '"');
  const fileRows = lines.slice(1).map((line) => (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((cell) => unquote(cell.replace(/,$/, ""))));
  const money = (text: string) => text.replace(/[A-Z]{3}$/, "").replace(/,/g, "").trim();
  screenRows.forEach((cells, index) => {
    const file = fileRows[index] ?? [];
    expect(file[0]).toBe(cells[0]);
    expect(file[2]).toBe(cells[2]);
    // The file escapes a formula cell with a leading quote; the screen shows the text as is.
    expect(file[3]).toBe(cells[3]?.startsWith("=") ? `'${cells[3]}` : cells[3] === "—" ? "" : cells[3]);
    expect(file[7]).toBe(money(cells[6] ?? ""));
    expect(file[8]).toBe(cells[7]);
  });
  expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/x"",""click"")"`);

  // Open the EUR amount mismatch's exception and raise the linked adjustment.
  await drillDown.getByRole("link", { name: "Exception for PAY-AM-1, open" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Amount mismatch · PAY-AM-1/ })).toBeVisible();
  await expect(page.getByRole("link", { name: run.wallet.accountId })).toHaveAttribute("href", `/accounts/${run.wallet.accountId}`);
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Adjust the ledger" }).click();
  const dialog = page.getByRole("dialog", { name: "Adjust the ledger" });
  await expect(dialog).toContainText("This raises a credit of 10.00 EUR to customer account");
  await dialog.getByLabel("Justification").fill("Acmepay settled 100.00 EUR for PAY-AM-1; the ledger credited 90.00 EUR.");
  await dialog.getByLabel("Ticket reference").fill("RECON-E2E-1");
  await dialog.getByRole("button", { name: "Raise credit of 10.00 EUR for approval" }).click();
  const linked = page.getByTestId("linked-adjustment");
  await expect(linked).toContainText("pending");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("investigating");
  await expect(page.getByRole("button", { name: "Adjust the ledger" })).toBeDisabled();
  const requestHref = await linked.getByRole("link").getAttribute("href");
  expect(requestHref).toMatch(/^\/approvals\/[0-9a-f-]{36}$/);

  // Compliance approves it: the adjustment posts and the exception resolves in that transaction.
  const compliance = await staffPage(checker.email, checker.password);
  await compliance.goto(requestHref ?? "");
  await compliance.getByRole("button", { name: "Approve 10.00 EUR" }).click();
  await compliance.getByRole("dialog", { name: "Approve 10.00 EUR" }).getByRole("button", { name: "Approve 10.00 EUR" }).click();
  await expect(compliance.getByRole("status").filter({ hasText: "Executed" })).toContainText("posted as transaction");

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("resolved");
  await expect(linked).toContainText("executed");
  await expect(page.getByText("Resolved: the approved ledger adjustment executed as transaction")).toBeVisible();
  await expect(page.getByRole("button", { name: "Adjust the ledger" })).toBeDisabled();

  // The workbench no longer lists it among the unresolved; the resolved filter does.
  await page.goto(`/reconciliation/exceptions?runId=${run.runId}`);
  const workbench = page.getByRole("table", { name: "Reconciliation exceptions, oldest first" });
  await expect(workbench.getByRole("row").filter({ has: page.getByRole("cell") })).toHaveCount(11);
  await expectNoSeriousA11yViolations(page);
  await page.goto(`/reconciliation/exceptions?runId=${run.runId}&status=resolved`);
  await expect(workbench.getByRole("link", { name: "Exception Amount mismatch PAY-AM-1" })).toBeVisible();
});

test("finance bulk-assigns exceptions from the workbench; an auditor reads them but cannot work them", async ({ staffPage }) => {
  const finance = await createStaffMember("finance", "Fay Finance");
  const run = await reconRunWithExceptions(finance.id);
  const page = await staffPage(finance.email, finance.password);
  await page.goto(`/reconciliation/exceptions?runId=${run.runId}`);
  const table = page.getByRole("table", { name: "Reconciliation exceptions, oldest first" });
  await expect(table.getByRole("row").filter({ has: page.getByRole("cell") })).toHaveCount(12);
  await table.getByRole("checkbox", { name: "Select Amount mismatch PAY-AM-1" }).check();
  await table.getByRole("checkbox", { name: "Select Stuck payment PAY-ST-1" }).check();
  await page.getByLabel("Assign to").selectOption({ label: finance.displayName });
  await page.getByRole("button", { name: "Assign selected (2)" }).click();
  await expect(page.getByText("2 exceptions assigned.")).toBeVisible();
  const filters = page.getByRole("form", { name: "Exception filters" });
  await filters.getByLabel("Assignee").selectOption({ label: finance.displayName });
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(table.getByRole("row").filter({ has: page.getByRole("cell") })).toHaveCount(2);

  const auditor = await staffPage("auditor@countersign.test");
  await auditor.goto(`/reconciliation/exceptions?runId=${run.runId}`);
  await expect(auditor.getByRole("button", { name: "Assign selected (0)" })).toBeDisabled();
  await auditor.getByRole("table", { name: "Reconciliation exceptions, oldest first" }).getByRole("link", { name: "Exception Amount mismatch PAY-AM-1" }).click();
  await expect(auditor.getByRole("button", { name: "Adjust the ledger" })).toBeDisabled();
  await expect(auditor.getByText("Working exceptions needs the recon.run permission (finance).").first()).toBeVisible();

  // The export checks its permission and its filters on the server.
  const support = await staffPage("support@countersign.test");
  const refused = await support.request.get(`/api/exports/recon/${run.runId}`);
  expect(refused.status()).toBe(403);
  const badFilter = await auditor.request.get(`/api/exports/recon/${run.runId}?from=yesterday`);
  expect(badFilter.status()).toBe(400);
  expect((await badFilter.json()) as unknown).toMatchObject({ error: { fieldErrors: { from: "must be a date as YYYY-MM-DD" } } });
  const allowed = await auditor.request.get(`/api/exports/recon/${run.runId}?class=stuck_payment,stuck_withdrawal`);
  expect(allowed.status()).toBe(200);
  expect((await allowed.text()).trim().split("\r\n")).toHaveLength(3);
});
