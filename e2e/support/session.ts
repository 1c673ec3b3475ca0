import { expect, type Page } from "@playwright/test";
import { demoPassword, demoStaff } from "../../server/demo/demo-staff";
import type { Role } from "../../server/auth/permissions";

export { demoPassword, demoStaff };

export function demoMember(role: Role) {
  const member = demoStaff.find((candidate) => candidate.role === role);
  if (!member) throw new Error(`no demo staff member with role ${role}`);
  return member;
}

export function demoMemberByEmail(email: string) {
  const member = demoStaff.find((candidate) => candidate.email === email);
  if (!member) throw new Error(`no demo staff member ${email}`);
  return member;
}

/** Submits the sign-in form and waits for next-auth's answer, whatever it is. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  if (!page.url().includes("/sign-in")) await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const answered = page.waitForResponse((response) => response.url().includes("/api/auth/callback/credentials") && response.request().method() === "POST");
  await page.getByRole("button", { name: "Sign in" }).click();
  await answered;
}

/** Signs in and waits until the console shell is showing. */
export async function signIn(page: Page, email: string, password = demoPassword): Promise<void> {
  await submitSignIn(page, email, password);
  await expect(page.getByRole("navigation", { name: "Console" })).toBeVisible();
}
