import { sql } from "drizzle-orm";
import { secondsText, type MonitorDefinition } from "./types";

export const databaseMonitors: MonitorDefinition[] = [
  {
    key: "database.latency",
    group: "database",
    title: "Database round trip",
    description: "Time of a trivial query from the checker; a failed connection makes the whole check fail (and the health endpoint answer 503).",
    unit: "milliseconds",
    defaults: { warning: "200", critical: "1000", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const started = performance.now();
      await db.execute(sql`select 1`);
      const ms = performance.now() - started;
      return { value: secondsText(ms), summary: `select 1 answered in ${ms.toFixed(1)} ms.`, details: {}, evidenceHref: null };
    },
  },
  {
    key: "database.replication_lag",
    group: "database",
    title: "Replication lag",
    description: "Largest replay lag of a streaming replica, from pg_stat_replication; unknown when no replica is attached (or the role may not see the lag).",
    unit: "seconds",
    defaults: { warning: "30", critical: "300", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ replicas: number; lag: number | null }>(sql`
        select count(*)::int as replicas, max(extract(epoch from replay_lag))::float8 as lag from pg_stat_replication`);
      const replicas = row?.replicas ?? 0;
      if (replicas === 0) return { value: null, summary: "No replica is configured.", details: { replicas }, evidenceHref: null };
      if (row?.lag === null || row?.lag === undefined) return { value: null, summary: `${replicas} replica(s) attached; lag not visible to this role or not yet reported.`, details: { replicas }, evidenceHref: null };
      return { value: secondsText(row.lag), summary: `${replicas} replica(s); largest replay lag ${row.lag.toFixed(1)} s.`, details: { replicas }, evidenceHref: null };
    },
  },
  {
    key: "database.size",
    group: "database",
    title: "Database size",
    description: "pg_database_size of the application database.",
    unit: "bytes",
    defaults: { warning: "53687091200", critical: "107374182400", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ bytes: string }>(sql`select pg_database_size(current_database())::text as bytes`);
      const bytes = row?.bytes ?? "0";
      return { value: bytes, summary: `${(Number(bytes) / 1024 / 1024).toFixed(0)} MiB on disk.`, details: {}, evidenceHref: null };
    },
  },
];
