import { sql } from "drizzle-orm";
import { count, monitorPage, type MonitorDefinition } from "./types";

/** Outbox and dead-letter monitors: the same figures as the console header (pipelineHealth). */
export const pipelineMonitors: MonitorDefinition[] = [
  {
    key: "outbox.undelivered",
    group: "pipeline",
    title: "Outbox undelivered",
    description: "Outbox events not yet delivered to every handler.",
    unit: "count",
    defaults: { warning: "1000", critical: "10000", direction: "above", params: {} },
    params: {},
    async measure({ shared }) {
      const health = await shared.pipeline();
      return {
        value: count(health.outboxBacklog),
        summary: `${health.outboxBacklog} outbox event(s) waiting for delivery.`,
        details: { outboxBacklog: health.outboxBacklog, inboxBacklog: health.inboxBacklog },
        evidenceHref: health.outboxBacklog > 0 ? monitorPage("outbox.undelivered") : null,
      };
    },
  },
  {
    key: "outbox.oldest_undelivered",
    group: "pipeline",
    title: "Oldest undelivered outbox event",
    description: "Age of the oldest outbox event still waiting for a handler (0 when none waits).",
    unit: "seconds",
    defaults: { warning: "300", critical: "1800", direction: "above", params: {} },
    params: {},
    async measure({ shared }) {
      const age = (await shared.pipeline()).oldestUndeliveredSeconds;
      return {
        value: count(age ?? 0),
        summary: age === null ? "Nothing waits in the outbox." : `The oldest undelivered event is ${age} s old.`,
        details: { oldestUndeliveredSeconds: age },
        evidenceHref: age === null ? null : monitorPage("outbox.oldest_undelivered"),
      };
    },
  },
  {
    key: "deadletters.count",
    group: "pipeline",
    title: "Dead letters",
    description: "Dead-lettered jobs waiting for an operator.",
    unit: "count",
    defaults: { warning: "1", critical: "50", direction: "above", params: {} },
    params: {},
    async measure({ shared }) {
      const dead = (await shared.pipeline()).deadLetters;
      return { value: count(dead), summary: `${dead} dead letter(s) waiting for an operator.`, details: { deadLetters: dead }, evidenceHref: "/dead-letters" };
    },
  },
  {
    key: "deadletters.growth",
    group: "pipeline",
    title: "Dead-letter growth",
    description: "Jobs dead-lettered in the last hour.",
    unit: "count",
    defaults: { warning: "5", critical: "50", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from dead_letters where dead_lettered_at > now() - interval '1 hour'`);
      const n = row?.n ?? 0;
      return { value: count(n), summary: `${n} job(s) dead-lettered in the last hour.`, details: { lastHour: n }, evidenceHref: "/dead-letters" };
    },
  },
];
