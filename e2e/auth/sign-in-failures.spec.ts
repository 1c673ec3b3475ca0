import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember } from "../support/data";
import { submitSignIn } from "../support/session";

const invalid = "Email or password is not right, or the account is disabled.";
const throttled = "Too many failed sign-ins. Wait 15 minutes and try again.";
// The server's default SIGN_IN_MAX_FAILURES_PER_ACCOUNT; the e2e server leaves it unchanged.
const maxFailuresPerAccount = 5;

test("a wrong password keeps the user on the sign-in page with an error", async ({ page }) => {
  const member = await createStaffMember("support", "Wren Wrongpass");
  await page.goto("/sign-in");
  await expectNoSeriousA11yViolations(page);
  await submitSignIn(page, member.email, `${member.password}-not`);

  await expect(page.getByRole("main").getByRole("alert")).toHaveText(invalid);
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("navigation", { name: "Console" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});

test("after repeated failures an account is throttled, even for the right password", async ({ page }) => {
  const member = await createStaffMember("support", "Theo Throttled");
  await page.goto("/sign-in");
  for (let attempt = 1; attempt <= maxFailuresPerAccount; attempt += 1) {
    await submitSignIn(page, member.email, `wrong-${attempt}`);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(invalid);
  }
  await submitSignIn(page, member.email, member.password);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(throttled);
  await expect(page).toHaveURL(/\/sign-in/);
});
