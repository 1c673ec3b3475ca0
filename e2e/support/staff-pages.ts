import { test as base, type BrowserContext, type Page } from "@playwright/test";
import { signIn } from "./session";

/**
 * `staffPage(email, password?)` opens a browser context of its own, signed in as that person, so
 * one journey can follow a request from maker to checkers. Every context closes when the test
 * ends, whether it passed or not.
 */
export const test = base.extend<{ staffPage: (email: string, password?: string) => Promise<Page> }>({
  staffPage: async ({ browser }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (email, password) => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await signIn(page, email, password);
      return page;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

export { expect } from "@playwright/test";
