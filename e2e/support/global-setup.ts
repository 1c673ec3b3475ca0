/**
 * Runs after Playwright's webServer answered /api/health: checks that the server on the port is the
 * isolated instance e2e/support/server.mts started (never a developer's own database), and that its
 * database is reachable.
 */
import type { FullConfig } from "@playwright/test";
import { readInstance } from "./instance";

export default async function globalSetup(config: FullConfig): Promise<void> {
  const instance = readInstance();
  const baseUrl = config.projects[0]?.use.baseURL;
  if (baseUrl && new URL(baseUrl).origin !== new URL(instance.baseUrl).origin) {
    throw new Error(`Playwright's baseURL ${baseUrl} is not the e2e instance at ${instance.baseUrl}.`);
  }
  const response = await fetch(new URL("/api/health", instance.baseUrl));
  const health = (await response.json()) as { status: string };
  if (!response.ok || health.status !== "ok") throw new Error(`The e2e instance is not healthy: ${JSON.stringify(health)}`);
}
