import { expect, test, type Locator } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { auditRecordsOf, createStaffMember } from "../support/data";
import { signIn } from "../support/session";

/** The text of one column in every body row of the audit table. */
async function columnTexts(table: Locator, column: number): Promise<string[]> {
  const rows = await table.getByRole("row").filter({ has: table.page().getByRole("cell") }).all();
  return Promise.all(rows.map(async (row) => (await row.getByRole("cell").nth(column).innerText()).trim()));
}

const actionColumn = 3;

test("an auditor reads the trail, filters it, opens a record with its hash and verifies the chain", async ({ page }) => {
  // An auditor of this test's own, so "their sign-in" is exactly one record.
  const auditor = await createStaffMember("auditor", "Avi Auditor");
  await signIn(page, auditor.email, auditor.password);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit trail" }).click();
  await expect(page).toHaveURL("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();

  const table = page.getByRole("table", { name: "Audit records, newest first" });
  const ownSignIn = table.getByRole("row").filter({ hasText: auditor.displayName }).filter({ hasText: "auth.sign_in" });
  await expect(ownSignIn).toHaveCount(1);
  await expect(ownSignIn).toContainText("success");
  // Unfiltered, the trail also holds other actions: the creation of this auditor, for one.
  await expect(table.getByRole("row").filter({ hasText: "staff.create" }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel("Action").fill("auth.sign_in");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]action=auth\.sign_in(&|$)/);
  await expect(table.getByRole("row").filter({ hasText: "staff.create" })).toHaveCount(0);
  await expect(ownSignIn).toHaveCount(1);
  const actions = await columnTexts(table, actionColumn);
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(["auth.sign_in"]));

  // The filter lives in the URL: a reload shows the same filtered list.
  await page.reload();
  await expect(page.getByLabel("Action")).toHaveValue("auth.sign_in");
  await expect(ownSignIn).toHaveCount(1);

  const [record] = await auditRecordsOf(auditor.id, "auth.sign_in");
  if (!record) throw new Error("the auditor's sign-in was not audited");
  await ownSignIn.getByRole("link", { name: `Audit record ${record.seq}` }).click();
  await expect(page).toHaveURL(`/audit/${record.seq}`);
  await expect(page.getByRole("heading", { level: 1, name: `Audit record ${record.seq}` })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: record.hash })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: record.prevHash })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: auditor.displayName })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("link", { name: "← Audit trail" }).click();
  await expect(page).toHaveURL("/audit");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Chain" })).toContainText(/Chain intact: [\d,]+ records verified/);
});
