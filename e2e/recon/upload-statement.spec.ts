import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { sampleStatementFromDemo } from "../support/recon";
import { signIn } from "../support/session";

test("finance uploads a provider statement, sees the progress and the summary; a bad file shows its bad rows and imports nothing", async ({ page }) => {
  const sample = await sampleStatementFromDemo("acmepay");

  await signIn(page, "finance@countersign.test");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Reconciliation" }).click();
  await expect(page).toHaveURL("/reconciliation");
  await expect(page.getByRole("heading", { level: 1, name: "Reconciliation" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.goto("/reconciliation/statements/new");
  await expect(page.getByRole("heading", { level: 1, name: "Upload a provider statement" })).toBeVisible();
  await page.getByLabel("Provider").selectOption("acmepay");
  await page.getByLabel("Statement file (CSV)").setInputFiles({ name: "acmepay-sample.csv", mimeType: "text/csv", buffer: Buffer.from(sample.csv) });
  const progress = page.waitForSelector("[role=progressbar]");
  await page.getByRole("button", { name: "Check and upload" }).click();
  await progress;
  const summary = page.getByRole("region", { name: "Import summary" });
  await expect(summary.getByRole("heading", { name: "Statement imported" })).toBeVisible();
  await expect(summary).toContainText(sample.lines.toLocaleString("en-GB"));
  await expect(summary.getByRole("table", { name: "Totals per currency" })).toContainText("EUR");
  await expectNoSeriousA11yViolations(page);

  // The same file again is the same import.
  await page.getByRole("button", { name: "Check and upload" }).click();
  await expect(summary.getByText("This exact file was uploaded before")).toBeVisible();

  const bad = ["reference,kind,status,amount,currency,booked_on,covers,description", `OK-1,payment,paid,10.00,EUR,2026-02-01,,run ${Date.now()}`, "BAD-1,payment,paid,0.005,EUR,2026-02-01,,", "BAD-2,payment,paid,10.00,EUR,2026-02-30,,"].join("\n");
  await page.getByLabel("Statement file (CSV)").setInputFiles({ name: `bad-${Date.now()}.csv`, mimeType: "text/csv", buffer: Buffer.from(`${bad}\n`) });
  await page.getByRole("button", { name: "Check and upload" }).click();
  await expect(summary.getByRole("heading", { name: "Statement rejected" })).toBeVisible();
  const badRows = summary.getByRole("table", { name: "Bad rows" });
  await expect(badRows.getByRole("row", { name: /2 amount/ })).toBeVisible();
  await expect(badRows.getByRole("row", { name: /3 booked_on/ })).toBeVisible();

  await page.goto("/reconciliation/statements");
  const imports = page.getByRole("table", { name: "Statement imports, newest first" });
  await expect(imports.getByRole("row").filter({ hasText: "rejected" }).first()).toBeVisible();
  await expect(imports.getByRole("row").filter({ hasText: "acmepay-sample.csv" })).toContainText("accepted");
  await expectNoSeriousA11yViolations(page);
});
