import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { createLateCustomer, deadPaymentForUnknownCustomer } from "../support/dead-letters";
import { signIn } from "../support/session";

test("operations filters the dead letters, fixes the cause, replays one and sees it delivered; an auditor sees the replay", async ({ page }) => {
  const dead = await deadPaymentForUnknownCustomer();

  await signIn(page, "operations@countersign.test");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Dead letters" }).click();
  await expect(page).toHaveURL("/dead-letters");
  await expect(page.getByRole("heading", { level: 1, name: "Dead letters" })).toBeVisible();
  const table = page.getByRole("table", { name: "Dead letters, newest first" });
  await expect(table.getByRole("row").filter({ has: page.getByRole("cell") }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const filters = page.getByRole("form", { name: "Dead-letter filters" });
  await filters.getByLabel("Error class").selectOption("UNKNOWN_CUSTOMER");
  await filters.getByLabel("Event type").selectOption("payment.succeeded");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]errorClass=UNKNOWN_CUSTOMER(&|$)/);
  await expect(page).toHaveURL(/[?&]eventType=payment\.succeeded(&|$)/);
  const rows = table.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allInnerTexts()) {
    expect(text).toContain("UNKNOWN_CUSTOMER");
    expect(text).toContain("payment.succeeded");
  }

  await table.getByRole("link", { name: `Dead letter ${dead.eventId}` }).click();
  await expect(page).toHaveURL(`/dead-letters/${dead.id}`);
  await expect(page.getByRole("heading", { level: 1, name: /Dead letter payment\.succeeded/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Attempts, oldest first" })).toContainText("UNKNOWN_CUSTOMER");
  // The server masks personal data before it reaches the page.
  await expect(page.getByText("ada@example.com")).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  // The cause is fixed: the customer the provider named now exists.
  await createLateCustomer(dead.customerRef);
  await page.getByRole("button", { name: "Replay event" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Replay queued." })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Delivered" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("replayed");
  await expect(page.getByRole("link", { name: /^[0-9a-f-]{36}$/ })).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, "auditor@countersign.test");
  await page.goto("/audit");
  const auditFilters = page.getByRole("form", { name: "Audit filters" });
  await auditFilters.getByLabel("Action").fill("deadletter.replay");
  await auditFilters.getByLabel("Target id").fill(dead.id);
  await auditFilters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]action=deadletter\.replay(&|$)/);
  const auditRows = page.getByRole("table", { name: "Audit records, newest first" }).getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(auditRows).toHaveCount(1);
  await expect(auditRows.first()).toContainText("deadletter.replay");
  await expect(auditRows.first()).toContainText("success");
});
