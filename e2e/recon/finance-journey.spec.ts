import { readFile } from "node:fs/promises";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { sampleStatementFromDemo } from "../support/recon";
import { expect, test } from "../support/staff-pages";

/**
 * The whole journey on real data: a statement generated from the demo ledger with one of
 * each difference injected is uploaded in the browser, reconciled by a run started from the page,
 * and its amount mismatch is fixed through maker-checker.
 */
test("finance uploads a statement, runs a reconciliation, fixes its amount mismatch through an approved adjustment, and the export matches the screen", async ({ staffPage }) => {
  const sample = await sampleStatementFromDemo("acmepay");
  const [mismatch] = sample.manifest.injected.amount_mismatch;
  if (!mismatch) throw new Error("the sample has no amount mismatch");

  // Upload: progress while the browser parses, then the summary.
  const page = await staffPage("finance@countersign.test");
  await page.goto("/reconciliation/statements/new");
  await page.getByLabel("Provider").selectOption("acmepay");
  await page.getByLabel("Statement file (CSV)").setInputFiles({ name: `acmepay-journey-${Date.now()}.csv`, mimeType: "text/csv", buffer: Buffer.from(sample.csv) });
  const progress = page.waitForSelector("[role=progressbar]");
  await page.getByRole("button", { name: "Check and upload" }).click();
  await progress;
  const imported = page.getByRole("region", { name: "Import summary" });
  await expect(imported.getByRole("heading", { name: "Statement imported" })).toBeVisible();
  await expect(imported).toContainText(sample.lines.toLocaleString("en-GB"));

  // A recorded payments run over exactly this statement, started from the summary, opens its report.
  const reconcile = imported.getByRole("group", { name: "Reconcile this statement" });
  await reconcile.getByLabel("Compare").selectOption("payments");
  await reconcile.getByRole("button", { name: "Reconcile this statement" }).click();
  await expect(page).toHaveURL(/\/reconciliation\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Reconciliation report" })).toBeVisible();
  await expect(page.getByText(/^Run recorded: \d+ differences/)).toBeVisible();
  await expect(page.getByText(/acmepay-journey-\d+\.csv/).first()).toBeVisible();
  const summary = page.getByRole("table", { name: "Differences per class and currency" });
  await expect(summary.getByRole("row", { name: /^Amount mismatch/ }).first()).toBeVisible();

  // The drill-down, filtered to amount mismatches, and its CSV export: the same rows.
  const filters = page.getByRole("form", { name: "Difference filters" });
  await filters.getByLabel("Class").selectOption("amount_mismatch");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]class=amount_mismatch(&|$)/);
  const drillDown = page.getByRole("table", { name: "Differences of this run, earliest day first" });
  await expect(drillDown.getByRole("link", { name: new RegExp(`^Exception for ${mismatch}, `) })).toBeVisible();
  const rows = drillDown.getByRole("row").filter({ has: page.getByRole("cell") });
  const screenRows = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())));
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = await readFile(await (await downloading).path(), "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines).toHaveLength(screenRows.length + 1);
  const references = lines.slice(1).map((line) => line.split(",")[3]);
  expect(references).toEqual(screenRows.map((cells) => cells[3]));
  expect(lines.slice(1).every((line) => line.split(",")[1] === "amount_mismatch")).toBe(true);
  await expectNoSeriousA11yViolations(page);

  // The exception: raise the linked adjustment (nothing posts yet).
  await drillDown.getByRole("link", { name: new RegExp(`^Exception for ${mismatch}, `) }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(`Amount mismatch · ${mismatch}`) })).toBeVisible();
  await page.getByRole("button", { name: "Adjust the ledger" }).click();
  const dialog = page.getByRole("dialog", { name: "Adjust the ledger" });
  await dialog.getByLabel("Justification").fill(`Acmepay's statement shows one cent more for ${mismatch} than the ledger credited.`);
  await dialog.getByLabel("Ticket reference").fill("RECON-JOURNEY-1");
  await dialog.getByRole("button", { name: /^Raise (credit|debit) of .+ for approval$/ }).click();
  const linked = page.getByTestId("linked-adjustment");
  await expect(linked).toContainText("pending");
  const requestHref = await linked.getByRole("link").getAttribute("href");
  expect(requestHref).toMatch(/^\/approvals\/[0-9a-f-]{36}$/);

  // A compliance officer approves it; the adjustment posts and the exception resolves with it.
  const compliance = await staffPage("compliance@countersign.test");
  await compliance.goto(requestHref ?? "");
  await compliance.getByRole("button", { name: /^Approve \d/ }).click();
  await compliance.getByRole("dialog", { name: /^Approve \d/ }).getByRole("button", { name: /^Approve \d/ }).click();
  await expect(compliance.getByRole("status").filter({ hasText: "Executed" })).toContainText("posted as transaction");

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("resolved");
  await expect(linked).toContainText("executed");
});
