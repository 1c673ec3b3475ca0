import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { uniqueSuffix } from "../support/data";
import { demoMember, signIn, submitSignIn } from "../support/session";

test("the admin creates a staff member, changes their role and disables them; all of it is audited and the member is locked out", async ({ page, browser }) => {
  const suffix = uniqueSuffix();
  const newcomer = { email: `e2e-newcomer-${suffix}@countersign.test`, name: `Nina Newcomer ${suffix}`, password: `initial-password-${suffix}` };
  const admin = demoMember("admin");

  await signIn(page, admin.email);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Staff" }).click();
  await expect(page).toHaveURL("/admin/staff");
  const table = page.getByRole("table", { name: "Staff accounts" });
  await expect(table.getByRole("row").filter({ hasText: admin.displayName })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Create.
  await page.getByRole("button", { name: "Add staff member" }).click();
  const createDialog = page.getByRole("dialog", { name: "Add staff member" });
  await createDialog.getByLabel("Email").fill(newcomer.email);
  await createDialog.getByLabel("Display name").fill(newcomer.name);
  await createDialog.getByLabel("Role").selectOption({ label: "Support" });
  await createDialog.getByLabel("Initial password").fill(newcomer.password);
  await expectNoSeriousA11yViolations(page);
  await createDialog.getByRole("button", { name: "Create account" }).click();
  await expect(createDialog).toBeHidden();
  await expect(page.getByText(`Created ${newcomer.name} (Support).`)).toBeVisible();
  const row = table.getByRole("row").filter({ hasText: newcomer.email });
  await expect(row).toContainText("active");
  const copyId = row.getByRole("button", { name: /^Copy [0-9a-f-]{36}$/ });
  const staffId = ((await copyId.getAttribute("aria-label")) ?? "").replace(/^Copy /, "");

  // Change the role.
  const roleSelect = page.getByLabel(`Role of ${newcomer.name}`);
  await roleSelect.selectOption({ label: "Finance" });
  await expect(page.getByText(`${newcomer.name} is now Finance.`)).toBeVisible();
  await expect(roleSelect).toHaveValue("finance");

  // The member signs in, in a browser of their own, and works as Finance.
  const memberContext = await browser.newContext();
  try {
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, newcomer.email, newcomer.password);
    // The role label, not the navigation group that shares its name.
    await expect(memberPage.getByRole("complementary").getByTestId("current-role")).toHaveText("Finance");

    // Disable, with a reason.
    await row.getByRole("button", { name: "Disable" }).click();
    const disableDialog = page.getByRole("dialog", { name: `Disable ${newcomer.name}` });
    await disableDialog.getByLabel("Reason").fill("Left the company (e2e journey)");
    await disableDialog.getByRole("button", { name: "Disable account" }).click();
    await expect(disableDialog).toBeHidden();
    await expect(page.getByText(`${newcomer.name} is disabled and signed out everywhere.`)).toBeVisible();
    await expect(row).toContainText("disabled");
    await expect(row.getByRole("button", { name: "Disable" })).toHaveCount(0);
    await expect(roleSelect).toBeDisabled();

    // Their open session ends at once, and they cannot sign in again.
    await memberPage.reload();
    await expect(memberPage).toHaveURL(/\/sign-in/);
    await submitSignIn(memberPage, newcomer.email, newcomer.password);
    await expect(memberPage.getByRole("main").getByRole("alert")).toHaveText("Email or password is not right, or the account is disabled.");
    await expect(memberPage).toHaveURL(/\/sign-in/);
  } finally {
    await memberContext.close();
  }

  // The audit trail holds the three changes, by the admin, newest first.
  await page.goto("/audit");
  await page.getByLabel("Target id").fill(staffId);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]targetId=${staffId}(&|$)`));
  const auditTable = page.getByRole("table", { name: "Audit records, newest first" });
  const auditRows = auditTable.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(auditRows).toHaveCount(3);
  await expect(auditRows.nth(0)).toContainText("staff.disable");
  await expect(auditRows.nth(1)).toContainText("staff.change_role");
  await expect(auditRows.nth(2)).toContainText("staff.create");
  for (const auditRow of await auditRows.all()) {
    await expect(auditRow).toContainText(admin.displayName);
    await expect(auditRow).toContainText("success");
  }
});
