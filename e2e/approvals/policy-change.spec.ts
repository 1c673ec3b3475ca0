import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember } from "../support/data";
import { expect, test } from "../support/staff-pages";

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

test("a policy change needs two approvals from people other than its maker, then becomes the active version", async ({ staffPage }) => {
  const proposer = await createStaffMember("compliance", "Pia Proposer");
  const checker = await createStaffMember("compliance", "Chen Checker");
  const admin = await createStaffMember("admin", "Abe Admin");

  const page = await staffPage(proposer.email, proposer.password);
  await page.goto("/policy");
  const activeHeading = page.getByRole("heading", { name: /^Active policy: version \d+$/ });
  const version = Number.parseInt(((await activeHeading.textContent()) ?? "").replace(/\D+/g, ""), 10);
  await expect(page.getByRole("table", { name: /^Rules of policy version/ }).getByRole("row").filter({ hasText: "small-GBP" })).toContainText("up to 400.00");
  await expectNoSeriousA11yViolations(page);

  // Invalid JSON and a broken rule are explained before anything is sent.
  const editor = page.getByLabel("Proposed policy (JSON)");
  const original = await editor.inputValue();
  await editor.fill(original.replace('"expiryHours": 72', '"expiryHours": 0'));
  await expect(editor).toHaveAccessibleDescription(/expiryHours: Too small/);
  await expect(page.getByRole("button", { name: "Propose change for approval" })).toBeDisabled();

  // Raise the GBP single-checker limit; EUR rules, which other journeys rely on, stay as they are.
  const proposal = JSON.parse(original) as { rules: { id: string; maxAmount?: string }[] };
  proposal.rules = proposal.rules.map((rule) => (rule.id === "small-GBP" ? { ...rule, maxAmount: "450.00" } : rule));
  await editor.fill(JSON.stringify(proposal, null, 2));
  await expect(page.getByText(`1 change from version ${version}: rule small-GBP changed.`)).toBeVisible();
  await page.getByLabel("Justification").fill("Raise the GBP single-checker limit after the Q3 review (e2e).");
  await page.getByRole("button", { name: "Propose change for approval" }).click();
  await expect(page).toHaveURL(new RegExp(`/approvals/${uuid.source}$`));
  const requestId = page.url().split("/").pop() ?? "";
  await expect(page.getByRole("heading", { level: 1, name: "Policy change" })).toBeVisible();
  await expect(page.getByRole("table", { name: `Rules, proposed against version ${version}` }).getByRole("row").filter({ hasText: "small-GBP" })).toContainText("changed");
  const ownApprove = page.getByRole("button", { name: "Approve policy change" });
  await expect(ownApprove).toBeDisabled();
  await expect(ownApprove).toHaveAccessibleDescription("You made this request; someone else must decide it.");

  // A second compliance officer gives the first approval.
  const checkerPage = await staffPage(checker.email, checker.password);
  await checkerPage.goto(`/approvals/${requestId}`);
  await checkerPage.getByRole("button", { name: "Approve policy change" }).click();
  const firstDialog = checkerPage.getByRole("dialog", { name: "Approve policy change" });
  await expect(firstDialog).toContainText("This is approval 1 of 2");
  await firstDialog.getByRole("button", { name: "Approve policy change" }).click();
  await expect(checkerPage.getByRole("heading", { name: "Approvals: 1 of 2" })).toBeVisible();

  // An administrator, who reads policy changes only, finds it on the policy page and gives the second.
  const adminPage = await staffPage(admin.email, admin.password);
  await adminPage.goto("/policy");
  await adminPage.getByRole("table", { name: "Pending policy changes, newest first" }).getByRole("link", { name: `Policy change ${requestId}` }).click();
  await expect(adminPage).toHaveURL(`/approvals/${requestId}`);
  await adminPage.getByRole("button", { name: "Approve policy change" }).click();
  const finalDialog = adminPage.getByRole("dialog", { name: "Approve policy change" });
  await expect(finalDialog).toContainText("This is the final approval (2 of 2)");
  await finalDialog.getByRole("button", { name: "Approve policy change" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: "Executed" })).toContainText(`the policy is now version ${version + 1}`);

  await adminPage.goto("/policy");
  await expect(adminPage.getByRole("heading", { name: `Active policy: version ${version + 1}` })).toBeVisible();
  await expect(adminPage.getByRole("table", { name: /^Rules of policy version/ }).getByRole("row").filter({ hasText: "small-GBP" })).toContainText("up to 450.00");
  await expect(adminPage.getByRole("link", { name: `Policy change ${requestId}` })).toHaveCount(0);
});
