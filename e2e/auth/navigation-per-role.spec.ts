import { expect, test } from "@playwright/test";
import { navigation } from "../../components/shell/navigation";
import { can, roleLabels } from "../../server/auth/permissions";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { demoStaff, signIn } from "../support/session";

// What each demo member must see is computed from the same navigation list and role map the
// product uses, so a change to either is a change to this expectation.
for (const member of demoStaff) {
  const expectedLinks = navigation.filter((item) => item.permission === null || can(member.role, item.permission)).map((item) => item.label);

  test(`${member.displayName} (${member.role}) sees exactly the pages the role allows, and signing out ends the session`, async ({ page, browser }) => {
    await signIn(page, member.email);
    await expect(page).toHaveURL("/");

    const nav = page.getByRole("navigation", { name: "Console" });
    // A link may carry live counts after its label (Approvals), so each link starts with its label.
    await expect(nav.getByRole("link")).toHaveText(expectedLinks.map((label) => new RegExp(`^${label}(\\d|$)`)));
    const sidebar = page.getByRole("complementary");
    await expect(sidebar.getByText(member.displayName, { exact: true })).toBeVisible();
    // The role label, not a navigation group that shares its name ("Operations").
    await expect(sidebar.getByTestId("current-role")).toHaveText(roleLabels[member.role]);
    await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${member.displayName}` })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    const cookiesWhileSignedIn = await page.context().cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F$/);
    await expect(page.getByRole("heading", { name: "Sign in to Countersign" })).toBeVisible();

    // The session is revoked on the server, not only forgotten by this browser: replaying the
    // old session cookie in a fresh browser context does not get back in.
    const replay = await browser.newContext();
    try {
      await replay.addCookies(cookiesWhileSignedIn);
      const replayPage = await replay.newPage();
      await replayPage.goto("/");
      await expect(replayPage).toHaveURL(/\/sign-in/);
    } finally {
      await replay.close();
    }
  });
}
