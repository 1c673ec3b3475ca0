/**
 * The isolated instance the journeys run against (Playwright's webServer command): a throwaway
 * embedded PostgreSQL (or, with TEST_DATABASE_URL, a fresh uniquely named database on that server),
 * migrated, with the application role enabled and the demo data loaded; a production build when
 * the sources changed; then the web server and the worker, as `npm start` runs them.
 * SIGTERM or SIGINT stops the children first, then drops or stops the database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { connectDatabase } from "../../db/client";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from "../../db/embedded";
import { enableAppRole, migrateDatabase } from "../../db/migrate";
import { ensureProductionBuild } from "../../scripts/lib/build";
import { terminate } from "../../scripts/lib/processes";
import { generateSigningKeyText } from "../../server/audit/checkpoints/signing-key";
import { loadDemoData } from "../../server/demo/load-demo";
import { e2ePort, instanceFile, type E2eInstance } from "./instance";

const say = (line: string) => process.stdout.write(`[e2e-server] ${line}\n`);
const port = e2ePort();
const baseUrl = `http://localhost:${port}`;
const stateFile = instanceFile(port);

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("stopping web and worker");
  await Promise.all(children.map((child) => terminate(child)));
  rmSync(stateFile, { force: true });
  say("removing the database");
  for (const cleanup of cleanups.reverse()) {
    await Promise.race([cleanup().catch((error: unknown) => say(`cleanup failed: ${String(error)}`)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  process.exit(code);
}


for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAll(0));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: found } = probe.address() as AddressInfo;
      probe.close(() => resolve(found));
    });
  });
}

/** A fresh database: on TEST_DATABASE_URL's server, or in a throwaway embedded cluster. */
async function freshDatabase(): Promise<string> {
  const name = `countersign_e2e_${randomBytes(4).toString("hex")}`;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    say(`creating database ${name} on TEST_DATABASE_URL's server`);
    cleanups.push(() => dropDatabase(serverUrl, name));
    return ensureDatabase(serverUrl, name);
  }
  const parent = mkdtempSync(path.join(tmpdir(), "countersign-e2e-"));
  chmodSync(parent, 0o755); // the cluster runs as the OS user postgres when started as root
  cleanups.push(async () => rmSync(parent, { recursive: true, force: true }));
  const pgPort = await freePort();
  say(`starting a throwaway PostgreSQL on 127.0.0.1:${pgPort}`);
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(parent, "pg"),
    port: pgPort,
    password: randomBytes(18).toString("base64url"),
    persistent: false,
  });
  cleanups.push(cluster.stop);
  return ensureDatabase(cluster.adminUrl, name);
}

async function main(): Promise<void> {
  const ownerUrl = await freshDatabase();
  say("applying migrations");
  await migrateDatabase(ownerUrl);
  // The app role is shared by every database of a server: on TEST_DATABASE_URL, integration and e2e
  // runs use one well-known password so neither breaks the other.
  const appUrl = await enableAppRole(ownerUrl, process.env.TEST_DATABASE_URL ? "countersign-test-app" : randomBytes(18).toString("base64url"));
  // The demo staff and the demo ledger (customers, wallets, thousands of transactions), as
  // `npm start` loads them, so the journeys browse data that really went through the ledger's rules.
  const seed = connectDatabase(appUrl, { maxConnections: 2, statementTimeoutMs: 0 });
  try {
    const loaded = await loadDemoData(seed, () => undefined);
    say(`demo data loaded: ${loaded.join(", ")}`);
  } finally {
    await seed.close();
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    APP_DATABASE_URL: appUrl,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    PORT: String(port),
    ALLOWED_ORIGINS: `http://127.0.0.1:${port}`,
    // One browser signs in as many people from one address; the per-account limit stays at its
    // default so the throttling journey exercises the real rule.
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: "1000",
    // The worker signs a checkpoint of the demo chain at start; proof downloads sign one on demand.
    AUDIT_SIGNING_KEY: generateSigningKeyText(),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
  };
  if (!ensureProductionBuild({ env, log: say })) throw new Error("next build failed");

  const instance: E2eInstance = { baseUrl, appUrl, ownerUrl, pid: process.pid };
  writeFileSync(stateFile, JSON.stringify(instance), { mode: 0o600 });

  const tsx = path.join("node_modules", ".bin", "tsx");
  const web = spawn(tsx, ["server/http/serve.mts"], { stdio: "inherit", env: { ...env, COUNTERSIGN_PROCESS: "web" } });
  const worker = spawn(tsx, ["--conditions=react-server", "server/jobs/worker.mts"], { stdio: "inherit", env: { ...env, COUNTERSIGN_PROCESS: "worker" } });
  children.push(web, worker);
  for (const child of children) {
    child.on("exit", (code, signal) => {
      if (stopping) return;
      say(`a child process exited (${code ?? signal}); stopping`);
      void stopAll(code || 1);
    });
  }
  say(`instance up at ${baseUrl}`);
}

try {
  await main();
} catch (error) {
  say(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAll(1);
}
