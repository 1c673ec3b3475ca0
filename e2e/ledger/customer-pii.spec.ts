import { expect, test } from "@playwright/test";
import { maskEmail } from "../../server/customers/mask";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { auditRecordsOf, createStaffMember, knownDeposit } from "../support/data";
import { signIn } from "../support/session";

test("support sees a customer's personal data masked and cannot reveal it", async ({ page }) => {
  const customer = await knownDeposit();
  const member = await createStaffMember("support", "Sky Support");
  await signIn(page, member.email, member.password);
  await page.goto(`/customers/${customer.customerId}`);
  await expect(page.getByRole("heading", { level: 1, name: `Customer ${customer.customerRef}` })).toBeVisible();
  await expect(page.getByText(maskEmail(customer.email), { exact: true })).toBeVisible();
  await expect(page.getByText(customer.email)).toHaveCount(0);
  const reveal = page.getByRole("button", { name: "Reveal personal data" });
  await expect(reveal).toBeDisabled();
  await expect(reveal).toHaveAccessibleDescription("Needs pii.reveal");
  await expect(page.getByText("Needs pii.reveal")).toBeVisible();
  const accounts = page.getByRole("table", { name: "Customer accounts with cached balances" });
  await expect(accounts.getByRole("link", { name: customer.walletName, exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await accounts.getByRole("link", { name: customer.walletName, exact: true }).click();
  await expect(page).toHaveURL(`/accounts/${customer.walletAccountId}`);
  await expect(page.getByRole("link", { name: `Owner customer ${customer.customerId}` })).toBeVisible();
});

test("compliance reveals a customer's personal data with a reason, and the reveal is in the audit trail", async ({ page }) => {
  const customer = await knownDeposit();
  const officer = await createStaffMember("compliance", "Cleo Compliance");
  await signIn(page, officer.email, officer.password);
  await page.goto(`/customers/${customer.customerId}`);
  await expect(page.getByText(maskEmail(customer.email), { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Reveal personal data" }).click();
  const dialog = page.getByRole("dialog", { name: "Reveal personal data" });
  await dialog.getByLabel("Reason").fill("because");
  await dialog.getByRole("button", { name: "Reveal and record" }).click();
  await expect(dialog.getByLabel("Reason")).toHaveAccessibleDescription("must say why, in at least 10 characters");
  await expect(page.getByText(customer.email, { exact: true })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  const reason = "Ticket SUP-4821: caller verification (e2e)";
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByLabel("Reason").press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByText(customer.email, { exact: true })).toBeVisible();
  await expect(page.getByText("The reveal and your reason were recorded in the audit trail.")).toBeVisible();

  await page.goto("/audit");
  await page.getByLabel("Action").fill("pii.reveal");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]action=pii\.reveal(&|$)/);
  const row = page.getByRole("table", { name: "Audit records, newest first" }).getByRole("row").filter({ hasText: officer.displayName });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("pii.reveal");
  await expect(row).toContainText("customer");
  await expect(row).toContainText("success");

  // One record: the refused short reason wrote nothing; the reveal carries the reason and the customer.
  const records = await auditRecordsOf(officer.id, "pii.reveal");
  expect(records.map((record) => ({ outcome: record.outcome, targetType: record.targetType, targetId: record.targetId, reason: record.details.reason }))).toEqual([
    { outcome: "success", targetType: "customer", targetId: customer.customerId, reason },
  ]);
});
