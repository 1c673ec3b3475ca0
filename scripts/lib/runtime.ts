/**
 * Everything a process needs before it can serve: a PostgreSQL server (embedded under .data/ unless
 * DATABASE_URL names one), the schema migrated by the owner, the least-privileged application role
 * enabled, and the secrets the app needs (generated once into .data/ for the embedded default).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { enableAppRole, migrateDatabase } from "../../db/migrate";

export const dataDir = path.resolve(process.env.COUNTERSIGN_DATA_DIR ?? ".data");

interface Secrets {
  postgresPassword: string;
  appDbPassword: string;
  nextAuthSecret: string;
}

function loadSecrets(): Secrets {
  // Traversable, because the embedded cluster runs as the OS user postgres when started as root;
  // the secrets file itself is readable by its owner only.
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Secrets;
  const secrets: Secrets = {
    postgresPassword: randomBytes(18).toString("base64url"),
    appDbPassword: randomBytes(18).toString("base64url"),
    nextAuthSecret: randomBytes(32).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export interface Runtime {
  ownerUrl: string;
  appUrl: string;
  env: NodeJS.ProcessEnv;
  embedded: EmbeddedServer | null;
  stop: () => Promise<void>;
}

export interface RuntimeOptions {
  port: number;
  log: (line: string) => void;
}

export async function prepareRuntime(options: RuntimeOptions): Promise<Runtime> {
  const secrets = loadSecrets();
  let embedded: EmbeddedServer | null = null;
  let ownerUrl = process.env.DATABASE_URL;
  if (!ownerUrl) {
    const pgPort = Number.parseInt(process.env.EMBEDDED_PG_PORT ?? "54329", 10);
    options.log(`starting embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${path.join(dataDir, "pg")})`);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: pgPort,
      password: secrets.postgresPassword,
      persistent: true,
    });
    ownerUrl = await ensureDatabase(embedded.adminUrl, "countersign");
  }
  options.log("applying migrations");
  await migrateDatabase(ownerUrl);
  const appUrl = process.env.APP_DATABASE_URL ?? (await enableAppRole(ownerUrl, process.env.APP_DB_PASSWORD ?? secrets.appDbPassword));
  const publicUrl = process.env.NEXTAUTH_URL ?? `http://localhost:${options.port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_DATABASE_URL: appUrl,
    NEXTAUTH_URL: publicUrl,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.nextAuthSecret,
    ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? `http://127.0.0.1:${options.port}`,
    PORT: String(options.port),
  };
  const server = embedded;
  return { ownerUrl, appUrl, env, embedded, stop: async () => void (await server?.stop()) };
}
