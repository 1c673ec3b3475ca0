import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { MoneyDecimal } from "../../lib/money-decimal";
import { formatUtc, utcInputMessage } from "../../lib/time";
import { formatAmountDisplay } from "../../server/money";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember, knownDeposit, statementOf } from "../support/data";
import { signIn } from "../support/session";

const csvHeader = "id,kind,amount,currency,external_reference,correlation_id,idempotency_key,initiator_type,initiated_by,occurred_at,booked_at,reverses_transaction_id";

test("support finds a deposit by its provider reference, follows it to the wallet, reads an as-of balance and exports the search", async ({ page }) => {
  const deposit = await knownDeposit();
  const entries = await statementOf(deposit.walletAccountId);
  const depositIndex = entries.findIndex((entry) => entry.transactionId === deposit.transactionId);
  // Two consecutive entries at or after the deposit, far enough apart for a whole second between them.
  const before = entries.slice(depositIndex).find((entry, index, rest) => {
    const next = rest[index + 1];
    return next !== undefined && next.bookedAt.getTime() - entry.bookedAt.getTime() > 2_000;
  });
  if (!before) throw new Error("no two entries of the wallet are two seconds apart");
  const after = entries[entries.indexOf(before) + 1];
  if (!after) throw new Error("unreachable: the entry found has a successor");
  const asOf = new Date(Math.floor((before.bookedAt.getTime() + after.bookedAt.getTime()) / 2 / 1000) * 1000);
  const expectedBalance = `${formatAmountDisplay(new MoneyDecimal(before.balanceAfter), deposit.currency)} ${deposit.currency}`;

  const member = await createStaffMember("support", "Sid Support");
  await signIn(page, member.email, member.password);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Transactions" }).click();
  await expect(page).toHaveURL("/transactions");
  const table = page.getByRole("table", { name: "Transactions, newest first" });
  await expect(table.getByRole("row")).not.toHaveCount(0);

  // "/" focuses the search box from anywhere on the page.
  const search = page.getByRole("searchbox", { name: "Search" });
  await page.keyboard.press("/");
  await expect(search).toBeFocused();
  await search.fill(deposit.externalReference);
  await search.press("Enter");
  await expect(page).toHaveURL(new RegExp(`[?&]q=${deposit.externalReference}(&|$)`));
  await expect(page.getByText("The search matched a transaction id, idempotency key, provider reference or correlation id.")).toBeVisible();
  const rows = table.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(deposit.externalReference);
  await expect(rows.first()).toContainText(`${formatAmountDisplay(new MoneyDecimal(deposit.amount), deposit.currency)} ${deposit.currency}`);
  await expectNoSeriousA11yViolations(page);

  await rows.first().getByRole("link", { name: `Transaction ${deposit.transactionId}` }).click();
  await expect(page).toHaveURL(`/transactions/${deposit.transactionId}`);
  await expect(page.getByRole("heading", { level: 1, name: `Deposit ${formatAmountDisplay(new MoneyDecimal(deposit.amount), deposit.currency)} ${deposit.currency}` })).toBeVisible();
  const entryTable = page.getByRole("table", { name: /^Entries/ });
  await expect(entryTable.getByRole("row").filter({ has: page.getByRole("cell") })).toHaveCount(2);
  await expectNoSeriousA11yViolations(page);

  await entryTable.getByRole("link", { name: deposit.walletName, exact: true }).click();
  await expect(page).toHaveURL(`/accounts/${deposit.walletAccountId}`);
  await expect(page.getByRole("heading", { level: 1, name: deposit.walletName })).toBeVisible();
  await expect(page.getByText("agrees", { exact: true })).toBeVisible();
  await expect(page.getByRole("table", { name: "Statement entries, newest first" }).getByRole("row").nth(1)).toContainText(
    formatAmountDisplay(new MoneyDecimal(entries[entries.length - 1]?.balanceAfter ?? "0"), deposit.currency),
  );

  // Times are typed on the 24-hour clock in UTC; a day that does not exist stops the form at the field.
  const asOfField = page.getByLabel("Balance as of (UTC)");
  await asOfField.fill("2026-02-30 10:00");
  await page.getByRole("button", { name: "Show balance" }).click();
  await expect(page.getByText(utcInputMessage)).toBeVisible();
  await expect(asOfField).toHaveAttribute("aria-invalid", "true");
  expect(page.url()).not.toMatch(/[?&]asOf=/);
  // A time copied from any page of the console ("2026-03-01 14:05:09 UTC") is accepted as it is.
  await asOfField.fill(formatUtc(asOf));
  await expect(page.getByText(utcInputMessage)).toHaveCount(0);
  await page.getByRole("button", { name: "Show balance" }).click();
  const answer = page.getByRole("status").filter({ hasText: "Includes" });
  await expect(answer).toContainText(expectedBalance);
  await expect(answer).toContainText(`Includes ${before.accountSeq.toLocaleString("en-US")} of ${entries.length.toLocaleString("en-US")} entries`);
  await expect(page).toHaveURL(/[?&]asOf=/);
  await expectNoSeriousA11yViolations(page);

  // Back on the filtered search, the export carries the same filters.
  await page.goto(`/transactions?q=${encodeURIComponent(deposit.externalReference)}`);
  await expect(rows).toHaveCount(1);
  await expect(page.getByText("up to 100,000 rows")).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^transactions-[\d-]+\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe(csvHeader);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(deposit.transactionId);
  expect(lines[1]).toContain(deposit.externalReference);
});
