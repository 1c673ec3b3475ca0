import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** The least-privileged role the web tier and the worker connect as (see the guards migration). */
export const appRole = "countersign_app";

/** Applies every pending migration as the owner. Concurrent callers serialise on an advisory lock. */
export async function migrateDatabase(ownerUrl: string): Promise<void> {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(7243001)`;
    await migrate(drizzle({ client: sql }), { migrationsFolder });
    await sql`select pg_advisory_unlock(7243001)`;
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/**
 * Lets the application role log in with the given password and returns its connection URL on the
 * same server and database as the owner URL.
 */
export async function enableAppRole(ownerUrl: string, password: string): Promise<string> {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`alter role ${appRole} login password '${password.replace(/'/g, "''")}'`);
  } finally {
    await sql.end({ timeout: 2 });
  }
  const url = new URL(ownerUrl);
  url.username = appRole;
  url.password = password;
  return url.toString();
}
