import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { auditRecordsOf, createStaffMember } from "../support/data";
import { signIn } from "../support/session";

test("a support user who opens the audit trail directly is told which permission is missing, and the attempt is audited", async ({ page }) => {
  const member = await createStaffMember("support", "Sue Support");
  await signIn(page, member.email, member.password);

  const response = await page.goto("/audit");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "This page needs the audit.read permission" })).toBeVisible();
  await expect(page.getByText("Your role, Support, does not have it.")).toBeVisible();
  await expect(page.getByText(/Roles that have it: Compliance, Auditor, Administrator\./)).toBeVisible();
  // The audit trail itself is not rendered, and the console does not offer it either.
  await expect(page.getByRole("table")).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit trail" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  await expect
    .poll(async () => (await auditRecordsOf(member.id, "access.denied")).map((record) => ({ outcome: record.outcome, target: record.targetId, permission: record.details.permission })))
    .toEqual([{ outcome: "denied", target: "/audit", permission: "audit.read" }]);
});
