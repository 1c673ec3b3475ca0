import { sql } from "drizzle-orm";
import { count, secondsText, type MonitorDefinition } from "./types";

const exceptionsHref = "/reconciliation/exceptions?status=open";
const dayAndAHalf = "93600";
const twoDays = "176400";

function lastRunMonitor(scope: "payments" | "withdrawals" | "ledger"): MonitorDefinition {
  return {
    key: `recon.last_run.${scope}`,
    group: "reconciliation",
    title: `Since the last ${scope} reconciliation`,
    description: `Time since the last successful recorded reconciliation run of the ${scope} scope (unknown until one has run).`,
    unit: "seconds",
    defaults: { warning: dayAndAHalf, critical: twoDays, direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ id: string; finished_at: string; age: number }>(sql`
        select id, to_json(finished_at) #>> '{}' as finished_at, extract(epoch from now() - finished_at)::float8 as age
          from recon_runs where scope = ${scope} and status = 'completed' and mode = 'recorded'
         order by recon_runs.finished_at desc limit 1`);
      if (!row) return { value: null, summary: `No successful ${scope} reconciliation has run yet.`, details: {}, evidenceHref: "/reconciliation" };
      return {
        value: secondsText(Math.max(0, row.age)),
        summary: `Last successful ${scope} run finished ${row.finished_at}.`,
        details: { runId: row.id, finishedAt: row.finished_at },
        evidenceHref: `/reconciliation/runs/${row.id}`,
      };
    },
  };
}

/** Reads what reconciliation writes (recon_runs, recon_exceptions); it never changes them. */
export const reconciliationMonitors: MonitorDefinition[] = [
  {
    key: "recon.open_exceptions",
    group: "reconciliation",
    title: "Open reconciliation exceptions",
    description: "Reconciliation exceptions not yet resolved, by class, with the oldest of each.",
    unit: "count",
    defaults: { warning: "1", critical: "25", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const rows = await db.execute<{ class: string; n: number; oldest: string }>(sql`
        select class::text, count(*)::int as n, to_json(min(opened_at)) #>> '{}' as oldest
          from recon_exceptions where status <> 'resolved' group by class order by class`);
      const total = rows.reduce((sum, row) => sum + row.n, 0);
      return {
        value: count(total),
        summary: total === 0 ? "No open reconciliation exceptions." : `${total} open exception(s): ${rows.map((row) => `${row.class} ${row.n}`).join(", ")}.`,
        details: { byClass: rows.map((row) => ({ class: row.class, count: row.n, oldestOpenedAt: row.oldest })) },
        evidenceHref: total > 0 ? exceptionsHref : null,
      };
    },
  },
  {
    key: "recon.oldest_exception",
    group: "reconciliation",
    title: "Oldest open exception",
    description: "Age of the oldest reconciliation exception not yet resolved (0 when none).",
    unit: "seconds",
    defaults: { warning: "86400", critical: "259200", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ age: number | null }>(sql`select extract(epoch from now() - min(opened_at))::float8 as age from recon_exceptions where status <> 'resolved'`);
      const age = row?.age ?? null;
      return {
        value: secondsText(Math.max(0, age ?? 0)),
        summary: age === null ? "No open reconciliation exceptions." : `The oldest open exception is ${Math.round(age / 3600)} h old.`,
        details: { oldestSeconds: age },
        evidenceHref: age === null ? null : exceptionsHref,
      };
    },
  },
  lastRunMonitor("payments"),
  lastRunMonitor("withdrawals"),
  lastRunMonitor("ledger"),
];
