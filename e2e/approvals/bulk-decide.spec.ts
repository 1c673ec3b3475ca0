import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember, decideAs, fundedWallet, raiseAdjustment } from "../support/data";
import { expect, test } from "../support/staff-pages";

test("bulk approval: three selected, one rejected by someone else meanwhile, two succeed and one fails with its reason", async ({ staffPage }) => {
  const maker = await createStaffMember("support", "Bea Bulk");
  const checker = await createStaffMember("compliance", "Ben Bulk");
  const other = await createStaffMember("compliance", "Olga Other");
  const wallets = await Promise.all([fundedWallet("500.00"), fundedWallet("500.00"), fundedWallet("500.00")]);
  const requests = [];
  for (const [index, wallet] of wallets.entries()) requests.push(await raiseAdjustment(maker.id, wallet.accountId, `1${index + 1}.00`));
  const [first, second, third] = requests;
  if (!first || !second || !third) throw new Error("three requests were raised");

  const page = await staffPage(checker.email, checker.password);
  await page.goto("/approvals");
  await expect(page.getByRole("tab", { name: /^Waiting for me/ })).toHaveAttribute("aria-selected", "true");
  const approveSelected = page.getByRole("button", { name: "Approve selected" });
  await expect(approveSelected).toBeDisabled();
  for (const request of requests) await page.getByRole("checkbox", { name: `Select request ${request.requestId}` }).check();
  await expect(page.getByText("3 selected")).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Meanwhile another checker rejects the second one.
  await decideAs({ id: other.id, role: "compliance" }, second, "reject", "Duplicate of an earlier goodwill credit.");

  await approveSelected.click();
  const dialog = page.getByRole("dialog", { name: "Approve 3 requests" });
  const listed = dialog.getByRole("list", { name: "Selected requests" }).getByRole("listitem");
  await expect(listed).toHaveText([/\+11\.00 EUR/, /\+12\.00 EUR/, /\+13\.00 EUR/]);
  await expect(listed.first()).toContainText("Final approval (1 of 1): credits 11.00 EUR to this account at once.");
  await dialog.getByRole("button", { name: "Approve 3 requests" }).click();
  await expect(dialog.getByRole("status")).toHaveText("2 succeeded, 1 failed.");
  const results = dialog.getByRole("list", { name: "Results" }).getByRole("listitem");
  await expect(results).toHaveText([/\+11\.00 EUR.*Approved and executed/, /\+12\.00 EUR.*Failed: NOT_PENDING This request is already rejected/, /\+13\.00 EUR.*Approved and executed/]);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  for (const request of requests) await expect(page.getByRole("link", { name: `Request ${request.requestId}` })).toHaveCount(0);
});
