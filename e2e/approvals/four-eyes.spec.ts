import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember, fundedWallet } from "../support/data";
import { demoMemberByEmail } from "../support/session";
import { expect, test } from "../support/staff-pages";

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

test("four eyes: support raises 1,250.00 EUR, one checker cannot approve alone, the second executes it, and the trail shows every step", async ({ staffPage }) => {
  const wallet = await fundedWallet("1000.00");
  const maker = await createStaffMember("support", "Mara Maker");
  const first = demoMemberByEmail("compliance@countersign.test");
  const second = demoMemberByEmail("compliance2@countersign.test");

  // The maker raises the adjustment from the account page, with the live preview.
  const makerPage = await staffPage(maker.email, maker.password);
  await makerPage.goto(`/accounts/${wallet.accountId}`);
  await makerPage.getByRole("link", { name: "Raise adjustment" }).click();
  await expect(makerPage).toHaveURL(`/approvals/new?accountId=${wallet.accountId}`);
  await expect(makerPage.getByRole("heading", { level: 1, name: "Raise an adjustment" })).toBeVisible();
  await expect(makerPage.getByLabel("Currency")).toHaveValue("EUR");
  await makerPage.getByLabel("Amount", { exact: true }).fill("1250.00");
  await makerPage.getByLabel("Reason").selectOption("goodwill");
  const justification = makerPage.getByLabel("Justification");
  await justification.fill("Too short");
  await expect(justification).toHaveAccessibleDescription(/^9 characters; at least 20/);
  // The server's field errors land next to their fields; nothing is raised.
  await makerPage.getByRole("button", { name: "Submit credit of 1,250.00 EUR for approval" }).click();
  await expect(justification).toHaveAccessibleDescription("must explain the adjustment in at least 20 characters");
  await expect(makerPage.getByLabel("Ticket reference")).toHaveAttribute("aria-invalid", "true");
  await expect(makerPage).toHaveURL(`/approvals/new?accountId=${wallet.accountId}`);
  await justification.fill("Customer was charged twice for the same round on 2 March (e2e).");
  await makerPage.getByLabel("Ticket reference").fill("SUP-4821");
  await expect(makerPage.getByTestId("preview-balance")).toHaveText("1,000.00 EUR → 2,250.00 EUR");
  await expect(makerPage.getByText("Needs 2 checkers (compliance)")).toBeVisible();
  await expectNoSeriousA11yViolations(makerPage);
  await makerPage.getByRole("button", { name: "Submit credit of 1,250.00 EUR for approval" }).click();
  await expect(makerPage).toHaveURL(new RegExp(`/approvals/${uuid.source}$`));
  const requestId = makerPage.url().split("/").pop() ?? "";

  // The maker sees the request with no way to approve it, and why.
  await expect(makerPage.getByRole("heading", { level: 1, name: "Credit 1,250.00 EUR" })).toBeVisible();
  const makerApprove = makerPage.getByRole("button", { name: "Approve 1,250.00 EUR" });
  await expect(makerApprove).toBeDisabled();
  await expect(makerApprove).toHaveAccessibleDescription("You made this request; someone else must decide it.");
  await expect(makerPage.getByRole("definition").filter({ hasText: /^[0-9a-f]{64}$/ })).toBeVisible();
  await expect(makerPage.getByText("Payload SHA-256")).toBeVisible();
  await expectNoSeriousA11yViolations(makerPage);

  // While it is pending, the account page says so and links to it.
  await makerPage.goto(`/accounts/${wallet.accountId}`);
  const banner = makerPage.getByRole("region", { name: "Pending adjustments" });
  await expect(banner).toContainText("+1,250.00 EUR");
  await expect(banner).toContainText("0 of 2 approvals");
  await expect(banner.getByRole("link", { name: "View request" })).toHaveAttribute("href", `/approvals/${requestId}`);

  // The first checker finds it waiting, approves, and cannot give the second approval too.
  const firstPage = await staffPage(first.email);
  await firstPage.goto("/approvals");
  await expect(firstPage.getByRole("tab", { name: /^Waiting for me/ })).toHaveAttribute("aria-selected", "true");
  await firstPage.getByRole("link", { name: `Request ${requestId}` }).click();
  await expect(firstPage).toHaveURL(`/approvals/${requestId}`);
  await expect(firstPage.getByText("Drift since the request")).toBeVisible();
  await firstPage.getByRole("button", { name: "Approve 1,250.00 EUR" }).click();
  const firstDialog = firstPage.getByRole("dialog", { name: "Approve 1,250.00 EUR" });
  await expect(firstDialog).toContainText(`wallet:${wallet.customerId}:EUR`);
  await expect(firstDialog).toContainText("This is approval 1 of 2: nothing moves until another checker also approves.");
  await firstDialog.getByRole("button", { name: "Approve 1,250.00 EUR" }).click();
  await expect(firstDialog).toBeHidden();
  await expect(firstPage.getByRole("heading", { name: "Approvals: 1 of 2" })).toBeVisible();
  const againApprove = firstPage.getByRole("button", { name: "Approve 1,250.00 EUR" });
  await expect(againApprove).toBeDisabled();
  await expect(againApprove).toHaveAccessibleDescription(/You have already approved this request/);

  // The second checker sees the exact consequence and executes it.
  const secondPage = await staffPage(second.email);
  await secondPage.goto(`/approvals/${requestId}`);
  await secondPage.getByRole("button", { name: "Approve 1,250.00 EUR" }).click();
  const secondDialog = secondPage.getByRole("dialog", { name: "Approve 1,250.00 EUR" });
  await expect(secondDialog).toContainText("This is the final approval (2 of 2): it credits 1,250.00 EUR to Wallet EUR");
  await expect(secondDialog).toContainText("balance becomes 2,250.00 EUR");
  await secondDialog.getByLabel("Comment (optional)").fill("Checked against the provider statement.");
  await secondDialog.getByRole("button", { name: "Approve 1,250.00 EUR" }).click();
  await expect(secondPage.getByRole("status").filter({ hasText: "Executed" })).toContainText("posted as transaction");
  await expect(secondPage.getByRole("heading", { name: "Approvals: 2 of 2" })).toBeVisible();
  await expect(secondPage.getByRole("list", { name: "Timeline" }).getByRole("listitem")).toHaveText([
    /Requested/,
    /Approved \(1 of 2\)/,
    /Approved \(2 of 2\).*Checked against the provider statement/,
    /Executed: posted to the ledger/,
  ]);

  // The balance and the statement carry the credit.
  await secondPage.goto(`/accounts/${wallet.accountId}`);
  await expect(secondPage.getByText("2,250.00", { exact: true }).first()).toBeVisible();
  const newest = secondPage.getByRole("table", { name: "Statement entries, newest first" }).getByRole("row").nth(1);
  await expect(newest).toContainText("adjustment");
  await expect(newest).toContainText("+1,250.00");
  await expect(secondPage.getByRole("region", { name: "Pending adjustments" })).toHaveCount(0);

  // The audit trail, filtered to the request, holds each step in order (newest first), and the chain holds.
  await firstPage.goto("/audit");
  await firstPage.getByLabel("Target id").fill(requestId);
  await firstPage.getByRole("button", { name: "Apply" }).click();
  const rows = firstPage.getByRole("table", { name: "Audit records, newest first" }).getByRole("row").filter({ has: firstPage.getByRole("cell") });
  await expect(rows).toHaveText([
    /adjustment\.executed.*success/,
    new RegExp(`${second.displayName}.*approval\\.decide.*success.*approve · 2 of 2`),
    new RegExp(`${first.displayName}.*approval\\.decide.*success.*approve · 1 of 2`),
    new RegExp(`${maker.displayName}.*adjustment\\.requested.*success.*credit · 1250\\.00 · EUR · goodwill`),
  ]);
  await firstPage.getByRole("button", { name: "Verify chain" }).click();
  await expect(firstPage.getByRole("status").filter({ hasText: "Chain" })).toContainText(/Chain intact: [\d,]+ records verified/);
});
