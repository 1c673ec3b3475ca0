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
import { generateSigningKeyText } from "../../server/audit/checkpoints/signing-key";
import { generateSecret } from "../../server/ingest/signature";

export const dataDir = path.resolve(process.env.COUNTERSIGN_DATA_DIR ?? ".data");

/** Providers the embedded default accepts webhooks from, each with a generated secret. */
export const demoProviders = ["acmepay", "globalpsp", "spinworks"] as const;

export interface Secrets {
  postgresPassword: string;
  appDbPassword: string;
  nextAuthSecret: string;
  /** Standard Webhooks secrets per provider (whsec_...). */
  webhookSecrets: Record<string, string>;
  /** Signs our own outgoing subscriber webhooks. */
  outboxSigningSecret: string;
  /** The demo Ed25519 key that signs audit checkpoints (base64 of PKCS#8 DER). */
  auditSigningKey: string;
}

/** Fills in secrets added since the file was written, so an older .data/ keeps working. */
function completeSecrets(partial: Partial<Secrets>): { secrets: Secrets; changed: boolean } {
  const webhookSecrets = { ...partial.webhookSecrets };
  for (const provider of demoProviders) webhookSecrets[provider] ??= generateSecret();
  const secrets: Secrets = {
    postgresPassword: partial.postgresPassword ?? randomBytes(18).toString("base64url"),
    appDbPassword: partial.appDbPassword ?? randomBytes(18).toString("base64url"),
    nextAuthSecret: partial.nextAuthSecret ?? randomBytes(32).toString("base64url"),
    webhookSecrets,
    outboxSigningSecret: partial.outboxSigningSecret ?? generateSecret(),
    auditSigningKey: partial.auditSigningKey ?? generateSigningKeyText(),
  };
  return { secrets, changed: JSON.stringify(secrets) !== JSON.stringify(partial) };
}

export function loadSecrets(): Secrets {
  // Traversable, because the embedded cluster runs as the OS user postgres when started as root;
  // the secrets file itself is readable by its owner only.
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  const file = path.join(dataDir, "secrets.json");
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Secrets>) : {};
  const { secrets, changed } = completeSecrets(stored);
  if (changed) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The embedded PostgreSQL's port (EMBEDDED_PG_PORT, default 54329). */
export const embeddedPgPort = (): number => Number.parseInt(process.env.EMBEDDED_PG_PORT ?? "54329", 10);

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
    const pgPort = embeddedPgPort();
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
    WEBHOOK_SECRETS: process.env.WEBHOOK_SECRETS ?? JSON.stringify(secrets.webhookSecrets),
    OUTBOX_SIGNING_SECRET: process.env.OUTBOX_SIGNING_SECRET ?? secrets.outboxSigningSecret,
    AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY ?? secrets.auditSigningKey,
    PORT: String(options.port),
  };
  const server = embedded;
  return { ownerUrl, appUrl, env, embedded, stop: async () => void (await server?.stop()) };
}
