import { expect, test, type Locator } from "@playwright/test";
import { navigation } from "../../components/shell/navigation";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { createStaffMember, knownDeposit, transactionIdsOfCustomer } from "../support/data";
import { signIn } from "../support/session";

const kindColumn = 2;

function bodyRows(table: Locator): Locator {
  return table.getByRole("row").filter({ has: table.page().getByRole("cell") });
}

/** The text of one column in every body row, read in one round trip. */
async function columnTexts(table: Locator, column: number): Promise<string[]> {
  return table.getByRole("row").evaluateAll(
    (rows, index) => rows.filter((row) => row.querySelector("td")).map((row) => ((row as HTMLTableRowElement).cells[index]?.innerText ?? "").trim()),
    column,
  );
}

/** The transaction id the first row links to. */
async function firstRowId(table: Locator): Promise<string> {
  const label = await bodyRows(table).first().getByRole("link", { name: /^Transaction / }).getAttribute("aria-label");
  return (label ?? "").replace(/^Transaction /, "");
}

test("a customer's email finds their transactions; kind and metadata filters live in the URL and survive a reload; Older then Newer comes back", async ({ page }) => {
  const deposit = await knownDeposit();
  const [newestOfCustomer] = await transactionIdsOfCustomer(deposit.customerId, 1);
  const member = await createStaffMember("support", "Sasha Support");
  await signIn(page, member.email, member.password);
  await page.goto("/transactions");
  const table = page.getByRole("table", { name: "Transactions, newest first" });

  await page.getByRole("searchbox", { name: "Search" }).fill(deposit.email);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByText(/The search matched a customer/)).toBeVisible();
  await expect(bodyRows(table).first().getByRole("link", { name: `Transaction ${newestOfCustomer}` })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page).toHaveURL("/transactions");
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("");
  await page.getByLabel("Kind").selectOption("deposit");
  await page.getByLabel("Metadata").fill("provider=acmepay");
  await page.getByLabel("Metadata").press("Enter");
  await expect.poll(() => new URL(page.url()).searchParams.get("metadata")).toBe("provider=acmepay");
  expect(new URL(page.url()).searchParams.get("kind")).toBe("deposit");
  await expect(bodyRows(table)).toHaveCount(50);
  expect(new Set(await columnTexts(table, kindColumn))).toEqual(new Set(["deposit"]));

  await page.reload();
  await expect(page.getByLabel("Kind")).toHaveValue("deposit");
  await expect(page.getByLabel("Metadata")).toHaveValue("provider=acmepay");
  await expect(bodyRows(table)).toHaveCount(50);
  expect(new Set(await columnTexts(table, kindColumn))).toEqual(new Set(["deposit"]));

  const firstId = await firstRowId(table);
  await page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: "Older" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("cursor")).not.toBeNull();
  await expect(bodyRows(table).first().getByRole("link", { name: `Transaction ${firstId}` })).toHaveCount(0);
  await expect(bodyRows(table)).not.toHaveCount(0);
  expect(new Set(await columnTexts(table, kindColumn))).toEqual(new Set(["deposit"]));
  await page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: "Newer" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("cursor")).toBeNull();
  await expect(bodyRows(table).first().getByRole("link", { name: `Transaction ${firstId}` })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("metadata")).toBe("provider=acmepay");
});

test("a bad filter shows the server's field error next to the field", async ({ page }) => {
  const member = await createStaffMember("support", "Sol Support");
  await signIn(page, member.email, member.password);
  await page.goto("/transactions?amountMin=12,50");
  await expect(page.getByLabel("Amount min")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Amount min")).toHaveAccessibleDescription("must be a plain decimal number such as 1250.00");
  await expect(page.getByRole("alert").filter({ hasText: "Check the highlighted filter" })).toContainText("amountMin");
  await expect(page.getByRole("table")).toHaveCount(0);
});

test("an administrator, who lacks ledger.read, is told so on /transactions and is not offered the page", async ({ page }) => {
  expect(navigation.some((item) => item.href === "/transactions" && item.permission === "ledger.read")).toBe(true);
  const admin = await createStaffMember("admin", "Ari Admin");
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Transactions" })).toHaveCount(0);
  await page.goto("/transactions");
  await expect(page.getByRole("heading", { level: 1, name: "This page needs the ledger.read permission" })).toBeVisible();
  await expect(page.getByText("Your role, Administrator, does not have it.")).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await expect(page.getByRole("searchbox")).toHaveCount(0);
});
