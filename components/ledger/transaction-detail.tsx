"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { z } from "zod";
import type { transactionDetail } from "@/server/ledger/schemas";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { CopyId } from "../ui/copy-id";
import { DescriptionList } from "../ui/description-list";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { Amount } from "./amount";
import { EntriesTable } from "./entries-table";
import { KindBadge, kindLabel, OutboxStatusBadge } from "./ledger-badges";
import { transactionHref } from "./transaction-table";

export type TransactionDetailView = z.infer<typeof transactionDetail>;

const linkClass = "text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600";

export function TransactionDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.ledger.transaction.queryOptions({ id }));
  if (detail.isPending) return <Skeleton rows={12} />;
  if (detail.error) return <ErrorState message={errorMessage(detail.error)} onRetry={() => void detail.refetch()} />;
  const transaction = detail.data;
  return (
    <div className="flex max-w-6xl flex-col gap-5">
      <div>
        <Link href="/transactions" className={`text-sm ${linkClass}`}>
          ← Transactions
        </Link>
        <div className="mt-1 flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h1 className="text-xl font-semibold">
            {kindLabel(transaction.kind)}{" "}
            {transaction.amount && transaction.currency ? <Amount value={transaction.amount} currency={transaction.currency} className="text-xl" /> : "(multi-currency)"}
          </h1>
          <KindBadge kind={transaction.kind} />
          <CopyId value={transaction.id} />
        </div>
        {transaction.description ? <p className="mt-1 text-sm text-slate-600">{transaction.description}</p> : null}
      </div>
      <Lineage transaction={transaction} />
      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
        <Summary transaction={transaction} />
        <Metadata metadata={transaction.metadata} />
      </div>
      <section aria-labelledby="entries-heading" className="flex flex-col gap-2">
        <h2 id="entries-heading" className="text-sm font-semibold">
          Entries
        </h2>
        <EntriesTable entries={transaction.entries} />
      </section>
      <div className="grid gap-5 lg:grid-cols-2">
        <AuditRecords seqs={transaction.auditSeqs} seeded={transaction.initiatedBy === "seed"} />
        <OutboxEvents events={transaction.outboxEvents} seeded={transaction.initiatedBy === "seed"} />
      </div>
    </div>
  );
}

function Summary({ transaction }: { transaction: TransactionDetailView }) {
  const initiator =
    transaction.initiatorType === "staff" ? (
      <span>
        {transaction.initiatorName ?? "Staff member"} <CopyId value={transaction.initiatedBy} short />
      </span>
    ) : (
      <span>
        service <code className="font-mono text-xs">{transaction.initiatedBy}</code>
      </span>
    );
  return (
    <section aria-labelledby="summary-heading" className="flex flex-col gap-2">
      <h2 id="summary-heading" className="text-sm font-semibold">
        Summary
      </h2>
      <DescriptionList
        items={[
          ["Transaction id", <CopyId key="id" value={transaction.id} />],
          ["External reference", transaction.externalReference ? <CopyId key="ref" value={transaction.externalReference} /> : null],
          ["Idempotency key", <CopyId key="key" value={transaction.idempotencyKey} />],
          [
            "Correlation id",
            transaction.correlationId ? (
              <span key="corr" className="inline-flex flex-wrap items-center gap-2">
                <CopyId value={transaction.correlationId} />
                <Link href={`/transactions?q=${encodeURIComponent(transaction.correlationId)}`} className={`text-xs ${linkClass}`}>
                  Transactions with this correlation id
                </Link>
              </span>
            ) : null,
          ],
          ["Initiated by", initiator],
          ["Value date", <span key="vd" className="tabular-nums">{transaction.valueDate}</span>],
          ["Occurred", <UtcTime key="occ" value={transaction.occurredAt} showAge />],
          ["Booked", <UtcTime key="booked" value={transaction.bookedAt} showAge />],
        ]}
      />
    </section>
  );
}

function Lineage({ transaction }: { transaction: TransactionDetailView }) {
  if (!transaction.reverses && !transaction.reversedBy) return null;
  return (
    <div className="flex flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 px-4 py-2.5 text-sm text-amber-950">
      {transaction.reverses ? (
        <p>
          This {transaction.kind} reverses {transaction.reverses.kind}{" "}
          <Link href={transactionHref(transaction.reverses.id)} className="font-mono text-xs text-indigo-800 underline">
            {transaction.reverses.id}
          </Link>
          .
        </p>
      ) : null}
      {transaction.reversedBy ? (
        <p>
          Reversed by {transaction.reversedBy.kind}{" "}
          <Link href={transactionHref(transaction.reversedBy.id)} className="font-mono text-xs text-indigo-800 underline">
            {transaction.reversedBy.id}
          </Link>
          : its effect on the balances below has been undone.
        </p>
      ) : null}
    </div>
  );
}

function Metadata({ metadata }: { metadata: Record<string, string> }) {
  const pairs = Object.entries(metadata).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="metadata-heading" className="flex flex-col gap-2">
      <h2 id="metadata-heading" className="text-sm font-semibold">
        Metadata
      </h2>
      {pairs.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-600">No metadata.</p>
      ) : (
        <DescriptionList
          className="grid-cols-[8rem_1fr]"
          items={pairs.map(([key, value]) => [
            key,
            <Link key={key} href={`/transactions?metadata=${encodeURIComponent(`${key}=${value}`)}`} className={`font-mono text-xs ${linkClass}`} title={`Transactions with ${key}=${value}`}>
              {value}
            </Link>,
          ])}
        />
      )}
    </section>
  );
}

function AuditRecords({ seqs, seeded }: { seqs: number[]; seeded: boolean }) {
  const { has } = usePermissions();
  const canRead = has("audit.read");
  return (
    <section aria-labelledby="audit-heading" className="flex flex-col gap-2">
      <h2 id="audit-heading" className="text-sm font-semibold">
        Audit records
      </h2>
      {seqs.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-600">No audit record names this transaction{seeded ? ": it is seeded demo history" : ""}.</p>
      ) : (
        <div className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm">
          <ul className="flex flex-wrap gap-2">
            {seqs.map((seq) => (
              <li key={seq}>
                {canRead ? (
                  <Link href={`/audit/${seq}`} aria-label={`Audit record ${seq}`} className={`font-mono text-xs ${linkClass}`}>
                    #{seq}
                  </Link>
                ) : (
                  <span className="font-mono text-xs text-slate-700">#{seq}</span>
                )}
              </li>
            ))}
          </ul>
          {canRead ? null : <p className="mt-2 text-xs text-slate-600">Opening audit records needs audit.read.</p>}
        </div>
      )}
    </section>
  );
}

function OutboxEvents({ events, seeded }: { events: TransactionDetailView["outboxEvents"]; seeded: boolean }) {
  return (
    <section aria-labelledby="outbox-heading" className="flex flex-col gap-2">
      <h2 id="outbox-heading" className="text-sm font-semibold">
        Outbox events
      </h2>
      {events.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-600">No outbox events for this transaction{seeded ? ": seeded history predates the outbox" : ""}.</p>
      ) : (
        <table className="w-full rounded-md border border-slate-200 bg-white text-sm">
          <caption className="sr-only">Outbox events of this transaction</caption>
          <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Event</th>
              <th scope="col" className="px-3 py-2">Type</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">Created (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} className="border-t border-slate-100">
                <td className="px-3 py-1.5"><CopyId value={event.id} short /></td>
                <td className="px-3 py-1.5"><code className="font-mono text-xs">{event.type}</code></td>
                <td className="px-3 py-1.5"><OutboxStatusBadge status={event.status} /></td>
                <td className="px-3 py-1.5"><UtcTime value={event.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
