import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { connectDatabase, type DatabaseHandle } from "../../db/client";
import { dropDatabase, ensureDatabase } from "../../db/embedded";
import { appRole } from "../../db/migrate";

export interface TestDatabase {
  name: string;
  /** Owner (superuser) URL of this test database: for tampering and inspection only. */
  ownerUrl: string;
  /** URL of the least-privileged application role, as the app itself connects. */
  appUrl: string;
  /** The application's connection, as countersign_app. */
  app: DatabaseHandle;
  /** A raw owner connection, for setting up states the app role may not create. */
  owner: postgres.Sql;
  drop: () => Promise<void>;
}

/** A fresh database cloned from the migrated template. */
export async function createTestDatabase(options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const name = `cs_test_${randomBytes(5).toString("hex")}`;
  const ownerUrl = await ensureDatabase(adminUrl, name, inject("templateDatabase"));
  const url = new URL(ownerUrl);
  url.username = appRole;
  url.password = inject("appPassword");
  const appUrl = url.toString();
  const app = connectDatabase(appUrl, { maxConnections: options.maxConnections ?? 20 });
  const owner = postgres(ownerUrl, { max: 3, onnotice: () => undefined });
  return {
    name,
    ownerUrl,
    appUrl,
    app,
    owner,
    drop: async () => {
      await app.close();
      await owner.end({ timeout: 2 });
      await dropDatabase(adminUrl, name);
    },
  };
}
