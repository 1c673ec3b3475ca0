import { sql } from "drizzle-orm";
import { executePrepared, type Transaction } from "@/db/client";
import { findAccountOwners } from "../../ledger/account-owners";
import { MoneyDecimal } from "../../money";
import type { OutboxDelivery, OutboxPayload } from "../outbox-events";
import { projectionPolicy, type RetryPolicy } from "../retry-policy";
import type { HandlerStatement, OutboxHandler } from "./handler";

export const activityProjectionName = "activity-projection";

/** A withdrawal posts three times (hold, paid or released); the entries' accounts say which this is. */
function activityKind(payload: OutboxPayload<"ledger.transaction_posted">, owners: Map<string, { purpose: string }>): string {
  if (payload.kind !== "withdrawal") return payload.kind;
  const holdEntry = payload.entries.find((entry) => owners.get(entry.accountId)?.purpose === "withdrawal_hold");
  if (!holdEntry) return "withdrawal";
  if (holdEntry.amount.startsWith("-")) return "withdrawal_hold";
  const walletCredited = payload.entries.some((entry) => owners.get(entry.accountId)?.purpose === "wallet" && entry.amount.startsWith("-"));
  return walletCredited ? "withdrawal_released" : "withdrawal_paid";
}

interface Bump {
  customerId: string;
  currency: string;
  kind: string;
  eventCount: number;
  total: InstanceType<typeof MoneyDecimal>;
  lastEventId: string;
  lastActivityAt: Date;
}

/**
 * Several events of one batch may bump the same row, and one statement may not update a row twice:
 * they are summed first. The sum is what applying them one by one would leave (count and total
 * added, the last event's id, the latest time).
 */
function addBump(bumps: Map<string, Bump>, row: { customerId: string; currency: string; kind: string; amount: string; eventId: string; at: string }): void {
  const key = `${row.customerId}:${row.currency}:${row.kind}`;
  const amount = new MoneyDecimal(row.amount);
  const at = new Date(row.at);
  const existing = bumps.get(key);
  if (!existing) {
    bumps.set(key, { customerId: row.customerId, currency: row.currency, kind: row.kind, eventCount: 1, total: amount, lastEventId: row.eventId, lastActivityAt: at });
    return;
  }
  existing.eventCount += 1;
  existing.total = existing.total.plus(amount);
  existing.lastEventId = row.eventId;
  if (at > existing.lastActivityAt) existing.lastActivityAt = at;
}

/**
 * One upsert for the batch, rows in key order so that concurrent dispatchers lock them in the same
 * order. Prepared, with the rows as one JSON parameter (amounts as decimal strings, read as NUMERIC),
 * so its text is the same for any number of rows.
 */
async function applyBumps(tx: Transaction, bumps: Map<string, Bump>): Promise<void> {
  if (bumps.size === 0) return;
  const rows = [...bumps.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, bump]) => ({
      customer_id: bump.customerId,
      currency: bump.currency,
      kind: bump.kind,
      event_count: bump.eventCount,
      total: bump.total.toFixed(),
      last_event_id: bump.lastEventId,
      last_activity_at: bump.lastActivityAt.toISOString(),
    }));
  await executePrepared(
    tx,
    sql`insert into customer_activity (customer_id, currency, kind, event_count, total, last_event_id, last_activity_at)
        select v.customer_id, v.currency, v.kind, v.event_count, v.total, v.last_event_id, v.last_activity_at
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as v (customer_id uuid, currency char(3), kind text, event_count int, total numeric, last_event_id uuid, last_activity_at timestamptz)
        on conflict (customer_id, currency, kind) do update
           set event_count = customer_activity.event_count + excluded.event_count,
               total = customer_activity.total + excluded.total,
               last_event_id = excluded.last_event_id,
               last_activity_at = greatest(customer_activity.last_activity_at, excluded.last_activity_at)`,
  );
}

/** The batch's postings, with one owner lookup for all their accounts and one upsert for all their bumps. */
async function project(tx: Transaction, deliveries: readonly OutboxDelivery[]): Promise<void> {
  const bumps = new Map<string, Bump>();
  const posted = deliveries.flatMap((delivery) => (delivery.event.type === "ledger.transaction_posted" && delivery.event.payload.amount && delivery.event.payload.currency ? [{ id: delivery.id, payload: delivery.event.payload }] : []));
  const owners = await findAccountOwners(tx, [...new Set(posted.flatMap(({ payload }) => payload.entries.map((entry) => entry.accountId)))]);
  for (const delivery of deliveries) {
    const { event } = delivery;
    if (event.type === "payment.failed") {
      const { customerId, currency, amount, occurredAt } = event.payload;
      addBump(bumps, { customerId, currency, kind: "payment_failed", amount, eventId: delivery.id, at: occurredAt });
      continue;
    }
    if (event.type !== "ledger.transaction_posted") continue;
    const payload = event.payload;
    if (!payload.amount || !payload.currency) continue;
    const entryOwners = payload.entries.flatMap((entry) => {
      const owner = owners.get(entry.accountId);
      return owner ? [owner.customerId] : [];
    });
    const kind = activityKind(payload, owners);
    for (const customerId of new Set(entryOwners)) {
      addBump(bumps, { customerId, currency: payload.currency, kind, amount: payload.amount, eventId: delivery.id, at: payload.bookedAt });
    }
  }
  await applyBumps(tx, bumps);
}

/**
 * `project` in SQL, for the dispatcher's one-statement path: the same bumps, summed per customer,
 * currency and kind and written in one upsert with rows in key order. Where `project` keeps the
 * batch's last delivered event id, this keeps the latest event's (by created_at, then id). Kinds
 * follow activityKind: a withdrawal's first entry on a withdrawal_hold account decides it.
 */
const projectionStatement: HandlerStatement = {
  accepts: (type) => sql`${type} not like 'alert.%'`,
  effect: (fresh, name) => sql`
    ${name("posted")} as (
      select f.id, f.created_at, f.payload from ${fresh} f
       where f.type = 'ledger.transaction_posted' and f.payload->>'amount' is not null and f.payload->>'currency' is not null
    ),
    ${name("entries")} as (
      select p.id, x.n, (x.entry->>'accountId')::uuid as account_id, x.entry->>'amount' as amount
        from ${name("posted")} p cross join lateral jsonb_array_elements(p.payload->'entries') with ordinality as x (entry, n)
    ),
    ${name("owners")} as (
      select a.id, a.customer_id, a.purpose::text as purpose from accounts a
       where a.id = any(array(select e.account_id from ${name("entries")} e)) and a.customer_id is not null
    ),
    ${name("owned")} as (
      select e.id, e.n, e.amount, o.customer_id, o.purpose from ${name("entries")} e join ${name("owners")} o on o.id = e.account_id
    ),
    ${name("bumps")} as (
      select distinct o.id, p.created_at, o.customer_id, p.payload->>'currency' as currency,
             case when p.payload->>'kind' <> 'withdrawal' then p.payload->>'kind'
                  when hold.amount is null then 'withdrawal'
                  when hold.amount like '-%' then 'withdrawal_hold'
                  when exists (select 1 from ${name("owned")} w where w.id = p.id and w.purpose = 'wallet' and w.amount like '-%') then 'withdrawal_released'
                  else 'withdrawal_paid' end as kind,
             (p.payload->>'amount')::numeric as amount, date_trunc('milliseconds', (p.payload->>'bookedAt')::timestamptz) as at
        from ${name("owned")} o
        join ${name("posted")} p on p.id = o.id
        left join lateral (select h.amount from ${name("owned")} h where h.id = p.id and h.purpose = 'withdrawal_hold' order by h.n limit 1) hold on true
      union all
      select f.id, f.created_at, (f.payload->>'customerId')::uuid, f.payload->>'currency', 'payment_failed',
             (f.payload->>'amount')::numeric, date_trunc('milliseconds', (f.payload->>'occurredAt')::timestamptz)
        from ${fresh} f where f.type = 'payment.failed'
    ),
    ${name("upsert")} as (
      insert into customer_activity (customer_id, currency, kind, event_count, total, last_event_id, last_activity_at)
      select b.customer_id, b.currency, b.kind, count(*)::int, sum(b.amount), (array_agg(b.id order by b.created_at desc, b.id desc))[1], max(b.at)
        from ${name("bumps")} b
       group by b.customer_id, b.currency, b.kind
       order by b.customer_id, b.currency, b.kind collate "C"
      on conflict (customer_id, currency, kind) do update
         set event_count = customer_activity.event_count + excluded.event_count,
             total = customer_activity.total + excluded.total,
             last_event_id = excluded.last_event_id,
             last_activity_at = greatest(customer_activity.last_activity_at, excluded.last_activity_at)
    )`,
};

/** The internal read model: per customer, currency and kind, how many postings and how much. */
export function activityProjection(policy: RetryPolicy = projectionPolicy): OutboxHandler {
  return {
    name: activityProjectionName,
    policy,
    accepts: (type) => !type.startsWith("alert."),
    handle: (tx, delivery) => project(tx, [delivery]),
    handleBatch: (tx, deliveries) => project(tx, deliveries),
    inDatabase: true,
    statement: projectionStatement,
  };
}
