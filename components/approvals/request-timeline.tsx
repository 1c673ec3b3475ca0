import Link from "next/link";
import type { RequestDetailView } from "@/server/approvals/schemas";
import { OutcomeBadge } from "../audit/outcome-badge";
import { UtcTime } from "../ui/time";

type Entry = RequestDetailView["timeline"][number];

/** What an audit record means for this request, in words. */
function describe(entry: Entry): string {
  const details = entry.details;
  const text = (key: string) => (typeof details[key] === "string" ? (details[key] as string) : null);
  if (entry.outcome !== "success") {
    const label = entry.action === "approval.decide" ? "Decision refused" : entry.action === "approval.cancelled" ? "Cancel refused" : `${entry.action} ${entry.outcome}`;
    return `${label}${text("message") ? `: ${text("message")}` : ""}`;
  }
  switch (entry.action) {
    case "adjustment.requested":
      return "Requested";
    case "policy.change_requested":
      return "Policy change proposed";
    case "approval.decide":
      return text("decision") === "reject" ? "Rejected" : `Approved${text("approvals") ? ` (${text("approvals")})` : ""}`;
    case "adjustment.executed":
      return "Executed: posted to the ledger";
    case "policy.activated":
      return `Activated${text("resultRef") ? ` as version ${text("resultRef")}` : ""}`;
    case "approval.cancelled":
      return "Cancelled by the maker";
    case "approval.expired":
      return "Expired";
    default:
      return entry.action;
  }
}

/** The request's audit records in order; each links to its record for those who may read the trail. */
export function RequestTimeline({ timeline, canReadAudit }: { timeline: Entry[]; canReadAudit: boolean }) {
  return (
    <section aria-labelledby="timeline-heading" className="flex flex-col gap-2">
      <h2 id="timeline-heading" className="text-sm font-semibold">
        Timeline
      </h2>
      <ol aria-label="Timeline" className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white text-sm">
        {timeline.map((entry) => {
          const comment = typeof entry.details.comment === "string" ? entry.details.comment : typeof entry.details.reason === "string" ? entry.details.reason : null;
          return (
            <li key={entry.seq} className="grid grid-cols-[11rem_1fr_auto] items-start gap-3 px-3 py-2">
              <UtcTime value={entry.occurredAt} />
              <span className="flex flex-col">
                <span className="font-medium">{describe(entry)}</span>
                <span className="text-xs text-slate-600">
                  by {entry.actorName ?? entry.actorId} · <code className="font-mono">{entry.action}</code>
                </span>
                {comment ? <span className="mt-0.5 text-slate-700">“{comment}”</span> : null}
              </span>
              <span className="flex items-center gap-2">
                {entry.outcome === "success" ? null : <OutcomeBadge outcome={entry.outcome} />}
                {canReadAudit ? (
                  <Link href={`/audit/${entry.seq}`} aria-label={`Audit record ${entry.seq}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
                    #{entry.seq}
                  </Link>
                ) : (
                  <span className="font-mono text-xs text-slate-600">#{entry.seq}</span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
