import "server-only";
import { connectDatabase, type DatabaseHandle } from "@/db/client";
import { env } from "./env";

// One pool per process, kept on globalThis so Next's dev reloads do not open a pool per edit.
const holder = globalThis as unknown as { countersignDb?: DatabaseHandle };

export function database(): DatabaseHandle {
  holder.countersignDb ??= connectDatabase(env().APP_DATABASE_URL, {
    maxConnections: env().DB_POOL_MAX,
    applicationName: `countersign-${process.env.COUNTERSIGN_PROCESS ?? "web"}`,
  });
  return holder.countersignDb;
}
