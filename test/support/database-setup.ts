/**
 * Integration tests run against a real PostgreSQL: TEST_DATABASE_URL (a superuser URL, for example
 * the system server) when set, otherwise a throwaway embedded cluster. A template database is
 * migrated once; each test file clones it, so files never see each other's rows.
 */
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from "../../db/embedded";
import { enableAppRole, migrateDatabase } from "../../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
    appPassword: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopEmbedded = async () => undefined as void;
  if (!adminUrl) {
    const parent = mkdtempSync(path.join(tmpdir(), "countersign-it-"));
    chmodSync(parent, 0o755); // the cluster runs as the OS user postgres when tests run as root
    const dataDir = path.join(parent, "pg");
    const server = await startEmbeddedPostgres({
      dataDir,
      port: 55000 + Math.floor(Math.random() * 5000),
      password: "integration",
      persistent: false,
    });
    adminUrl = server.adminUrl;
    stopEmbedded = server.stop;
  }
  const templateDatabase = `countersign_tpl_${process.pid}`;
  await dropDatabase(adminUrl, templateDatabase);
  const ownerUrl = await ensureDatabase(adminUrl, templateDatabase);
  await migrateDatabase(ownerUrl);
  const appPassword = "countersign-test-app"; // the same on TEST_DATABASE_URL for e2e, so concurrent runs agree
  await enableAppRole(ownerUrl, appPassword);
  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("appPassword", appPassword);
  return async () => {
    await dropDatabase(adminUrl, templateDatabase).catch(() => undefined);
    await stopEmbedded();
  };
}
