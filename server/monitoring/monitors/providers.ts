import { sql } from "drizzle-orm";
import { count, monitorPage, secondsText, type MonitorDefinition } from "./types";

const listMax = 20;

/**
 * Provider-facing monitors. A deposit has no "pending at the provider" state in this system: the
 * provider reports it only once it succeeded or failed. What can be stuck is the report itself: a
 * payment event received and not yet applied to the ledger. That is what the first monitor counts.
 */
export const providerMonitors: MonitorDefinition[] = [
  {
    key: "providers.payments_pending",
    group: "providers",
    title: "Payment events not applied",
    description: "Payment events received from a provider and still not applied after N minutes.",
    unit: "count",
    defaults: { warning: "1", critical: "10", direction: "above", params: { minutes: 15 } },
    params: { minutes: { label: "Minutes before an unapplied payment event counts", min: 1, max: 10_080 } },
    async measure({ db, params }) {
      const minutes = params.minutes ?? 15;
      const rows = await db.execute<{ id: string; provider: string; event_id: string; event_type: string; received_at: string; total: number }>(sql`
        select id, provider, event_id, event_type, to_json(received_at) #>> '{}' as received_at, count(*) over ()::int as total
          from webhook_inbox
         where status = 'pending' and event_type like 'payment.%' and received_at < now() - make_interval(mins => ${minutes})
         order by webhook_inbox.received_at limit ${listMax}`);
      const total = rows[0]?.total ?? 0;
      return {
        value: count(total),
        summary: `${total} payment event(s) received over ${minutes} min ago and not yet applied.`,
        details: { minutes, events: rows.map((row) => ({ inboxId: row.id, provider: row.provider, eventId: row.event_id, eventType: row.event_type, receivedAt: row.received_at })) },
        evidenceHref: total > 0 ? monitorPage("providers.payments_pending") : null,
      };
    },
  },
  {
    key: "providers.withdrawals_stuck",
    group: "providers",
    title: "Stuck withdrawals",
    description: "Withdrawals still requested (neither paid nor failed) N minutes after the request.",
    unit: "count",
    defaults: { warning: "1", critical: "10", direction: "above", params: { minutes: 60 } },
    params: { minutes: { label: "Minutes before a requested withdrawal counts as stuck", min: 1, max: 43_200 } },
    async measure({ db, params }) {
      const minutes = params.minutes ?? 60;
      const rows = await db.execute<{ id: string; provider: string; withdrawal_id: string; customer_id: string; amount: string; currency: string; requested_at: string; total: number }>(sql`
        select id, provider, withdrawal_id, customer_id, amount::text, currency, to_json(requested_at) #>> '{}' as requested_at, count(*) over ()::int as total
          from provider_withdrawals
         where status = 'requested' and requested_at < now() - make_interval(mins => ${minutes})
         order by provider_withdrawals.requested_at limit ${listMax}`);
      const total = rows[0]?.total ?? 0;
      return {
        value: count(total),
        summary: `${total} withdrawal(s) requested over ${minutes} min ago and still not paid or failed.`,
        details: {
          minutes,
          withdrawals: rows.map((row) => ({ id: row.id, provider: row.provider, withdrawalId: row.withdrawal_id, customerId: row.customer_id, amount: row.amount, currency: row.currency, requestedAt: row.requested_at })),
        },
        evidenceHref: total > 0 ? monitorPage("providers.withdrawals_stuck") : null,
      };
    },
  },
  {
    key: "webhooks.delay",
    group: "providers",
    title: "Webhook delay",
    description: "95th percentile of receipt time minus the provider's webhook-timestamp over the last N minutes (0 when nothing arrived).",
    unit: "seconds",
    defaults: { warning: "60", critical: "300", direction: "above", params: { minutes: 15 } },
    params: { minutes: { label: "Window in minutes", min: 1, max: 1440 } },
    async measure({ db, params }) {
      const minutes = params.minutes ?? 15;
      const [row] = await db.execute<{ receipts: number; p95: number | null; max: number | null }>(sql`
        select count(*)::int as receipts,
               percentile_cont(0.95) within group (order by extract(epoch from received_at - sent_at))::float8 as p95,
               max(extract(epoch from received_at - sent_at))::float8 as max
          from webhook_inbox where received_at > now() - make_interval(mins => ${minutes})`);
      const receipts = row?.receipts ?? 0;
      const p95 = Math.max(0, row?.p95 ?? 0);
      return {
        value: secondsText(p95),
        summary: receipts === 0 ? `No webhooks received in the last ${minutes} min.` : `p95 delay ${secondsText(p95)} s over ${receipts} webhook(s) in the last ${minutes} min.`,
        details: { minutes, receipts, p95Seconds: p95, maxSeconds: row?.max ?? null },
        evidenceHref: null,
      };
    },
  },
  {
    key: "webhooks.duplicates",
    group: "providers",
    title: "Duplicate deliveries",
    description: "Repeat deliveries of provider events already in the inbox, in the last hour.",
    unit: "count",
    defaults: { warning: "100", critical: "1000", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const rows = await db.execute<{ provider: string; n: number }>(sql`
        select provider, count(*)::int as n from webhook_duplicates where received_at > now() - interval '1 hour' group by provider order by n desc limit ${listMax}`);
      const total = rows.reduce((sum, row) => sum + row.n, 0);
      return {
        value: count(total),
        summary: `${total} duplicate deliver${total === 1 ? "y" : "ies"} in the last hour.`,
        details: { byProvider: rows.map((row) => ({ provider: row.provider, count: row.n })) },
        evidenceHref: null,
      };
    },
  },
];
