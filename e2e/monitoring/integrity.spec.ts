import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { tamperedWallet } from "../support/monitoring";
import { signIn } from "../support/session";

test("operations sees a critical alert for a tampered cached balance, follows it to the account and acknowledges it", async ({ page }) => {
  const wallet = await tamperedWallet();
  try {
    await signIn(page, "operations@countersign.test");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Integrity" }).click();
    await expect(page).toHaveURL("/integrity");
    await expect(page.getByRole("heading", { level: 1, name: "Integrity" })).toBeVisible();

    // The worker checks every minute; the operator does not wait for it.
    await page.getByRole("button", { name: "Check now" }).click();
    await expect(page.getByText(/Checked \d+ monitors\./)).toBeVisible();

    const alerts = page.getByRole("table", { name: "Open alerts, critical first" });
    const row = alerts.getByRole("row").filter({ hasText: "Cached balance mismatches" });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Critical");
    await expect(row).toContainText("Open");
    const card = page.getByRole("listitem", { name: "Cached balance mismatches: Critical" });
    await expect(card).toBeVisible();
    // The header tells every page about it.
    await expect(page.getByRole("link", { name: /^Integrity alerts: .*\d+ critical/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await row.getByRole("link", { name: "Evidence for Cached balance mismatches" }).click();
    await expect(page).toHaveURL(`/accounts/${wallet.accountId}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

    await page.goBack();
    await expect(page).toHaveURL("/integrity");
    await alerts.getByRole("row").filter({ hasText: "Cached balance mismatches" }).getByRole("button", { name: "Acknowledge Cached balance mismatches" }).click();
    const dialog = page.getByRole("dialog", { name: "Acknowledge alert: Cached balance mismatches" });
    await expect(dialog.getByRole("button", { name: "Acknowledge alert" })).toBeDisabled();
    await dialog.getByLabel("Comment").fill("Looking at the wallet's cache against its entries.");
    await dialog.getByRole("button", { name: "Acknowledge alert" }).click();
    await expect(page.getByText("Alert acknowledged.")).toBeVisible();
    await expect(alerts.getByRole("row").filter({ hasText: "Cached balance mismatches" })).toContainText("Acknowledged");

    await alerts.getByRole("link", { name: "Cached balance mismatches", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: /Alert: Cached balance mismatches/ })).toBeVisible();
    const history = page.getByRole("region", { name: "History" });
    await expect(history).toContainText("Opened");
    await expect(history).toContainText("Acknowledged");
    await expect(history).toContainText("Looking at the wallet's cache against its entries.");
    await expectNoSeriousA11yViolations(page);
  } finally {
    await wallet.restore();
  }
});
