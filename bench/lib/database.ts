/**
 * A throwaway database for a benchmark: on BENCH_DATABASE_URL (a superuser URL) when set, otherwise
 * on an embedded PostgreSQL cluster started for this run and deleted afterwards. The database is
 * created fresh, migrated by the owner, and the app connects as the least-privileged role, exactly
 * as the running application does.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { connectDatabase, type DatabaseHandle } from "../../db/client";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from "../../db/embedded";
import { enableAppRole, migrateDatabase } from "../../db/migrate";

// The app role is cluster-wide. Sharing the integration tests' password means a bench run and a
// test run against the same server never lock each other's connections out.
// The app role is shared by every database of a server: the same password as the test tiers use.
const appPassword = "countersign-test-app";

export interface BenchDatabase {
  /** Where the server came from, for the printed header. */
  source: string;
  serverVersion: string;
  name: string;
  ownerUrl: string;
  appUrl: string;
  /** The application's own connection, as countersign_app. */
  app: DatabaseHandle;
  /** A superuser connection to the bench database, for bulk set-up and inspection. */
  owner: postgres.Sql;
  /** Closes every connection, drops the database and stops an embedded cluster. Safe to call twice. */
  close: () => Promise<void>;
}

export interface BenchDatabaseOptions {
  appMaxConnections?: number;
  appStatementTimeoutMs?: number;
}

interface BenchServer {
  adminUrl: string;
  source: string;
  stop: () => Promise<void>;
}

async function startServer(): Promise<BenchServer> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) return { adminUrl: url, source: "BENCH_DATABASE_URL", stop: async () => undefined };
  const parent = mkdtempSync(path.join(tmpdir(), "countersign-bench-"));
  chmodSync(parent, 0o755); // the cluster runs as the OS user postgres when we run as root
  const port = 56000 + Math.floor(Math.random() * 4000);
  const server = await startEmbeddedPostgres({ dataDir: path.join(parent, "pg"), port, password: "bench", persistent: false }).catch((error: unknown) => {
    rmSync(parent, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    await server.stop(); // persistent: false deletes the data directory, but not its parent
    rmSync(parent, { recursive: true, force: true });
  };
  return { adminUrl: server.adminUrl, source: `embedded PostgreSQL on port ${port}`, stop };
}

export async function openBenchDatabase(options: BenchDatabaseOptions = {}): Promise<BenchDatabase> {
  const server = await startServer();
  const name = `countersign_bench_${randomBytes(4).toString("hex")}`;
  let owner: postgres.Sql | null = null;
  let app: DatabaseHandle | null = null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app?.close().catch(() => undefined);
    await owner?.end({ timeout: 2 }).catch(() => undefined);
    await dropDatabase(server.adminUrl, name).catch((error: unknown) => console.error(`could not drop ${name}:`, error));
    await server.stop();
  };
  try {
    const ownerUrl = await ensureDatabase(server.adminUrl, name);
    await migrateDatabase(ownerUrl);
    const appUrl = await enableAppRole(ownerUrl, appPassword);
    owner = postgres(ownerUrl, { max: 2, onnotice: () => undefined });
    app = connectDatabase(appUrl, {
      maxConnections: options.appMaxConnections ?? 20,
      statementTimeoutMs: options.appStatementTimeoutMs ?? 60_000,
      applicationName: "countersign-bench",
    });
    const [version] = await owner`select current_setting('server_version') as version`;
    return { source: server.source, serverVersion: String(version?.version), name, ownerUrl, appUrl, app, owner, close };
  } catch (error) {
    await close();
    throw error;
  }
}
