import { changeRoleOf, createStaffMember, fundedWallet, raiseAdjustment } from "../support/data";
import { expect, test } from "../support/staff-pages";

test("one checker: a 25.00 EUR credit executes after a single approval", async ({ staffPage }) => {
  const wallet = await fundedWallet("1000.00");
  const maker = await createStaffMember("support", "Milo Maker");
  const checker = await createStaffMember("compliance", "Cora Checker");
  const request = await raiseAdjustment(maker.id, wallet.accountId, "25.00");
  expect(request.approvalsRequired).toBe(1);

  const page = await staffPage(checker.email, checker.password);
  await page.goto(`/approvals/${request.requestId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Credit 25.00 EUR" })).toBeVisible();
  await expect(page.getByText("Approval 1 of 1 is the final one: the adjustment posts to the ledger at once.")).toBeVisible();
  await page.getByRole("button", { name: "Approve 25.00 EUR" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve 25.00 EUR" });
  await expect(dialog).toContainText("This is the final approval (1 of 1): it credits 25.00 EUR to Wallet EUR");
  await expect(dialog).toContainText("balance becomes 1,025.00 EUR");
  await dialog.getByRole("button", { name: "Approve 25.00 EUR" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Executed" })).toContainText("posted as transaction");
  await expect(page.getByRole("heading", { name: "Approvals: 1 of 1" })).toBeVisible();

  await page.goto(`/accounts/${wallet.accountId}`);
  const newest = page.getByRole("table", { name: "Statement entries, newest first" }).getByRole("row").nth(1);
  await expect(newest).toContainText("+25.00");
  await expect(newest).toContainText("1,025.00");
});

test("a maker promoted to compliance still cannot approve the request they made", async ({ staffPage }) => {
  const wallet = await fundedWallet("1000.00");
  const turncoat = await createStaffMember("support", "Tess Turncoat");
  const request = await raiseAdjustment(turncoat.id, wallet.accountId, "30.00");
  await changeRoleOf(turncoat.id, "compliance");

  const page = await staffPage(turncoat.email, turncoat.password);
  await page.goto("/approvals");
  const waiting = page.getByRole("tab", { name: /^Waiting for me/ });
  await expect(waiting).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("table", { name: /^Waiting for me/ }).or(page.getByText("Nothing is waiting for you."))).toBeVisible();
  await expect(page.getByRole("link", { name: `Request ${request.requestId}` })).toHaveCount(0);

  await page.goto(`/approvals/${request.requestId}`);
  const approve = page.getByRole("button", { name: "Approve 30.00 EUR" });
  await expect(approve).toBeDisabled();
  await expect(approve).toHaveAccessibleDescription("You made this request; someone else must decide it.");
  await expect(page.getByRole("button", { name: "Reject" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Cancel request" })).toBeEnabled();
});
