"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { durationText } from "@/lib/time";
import { usePermissions } from "../shell/use-permissions";
import { useTRPC } from "../trpc";

/** Thresholds above which the header speaks up; below them the pipeline is healthy and it stays quiet. */
export const deadLetterCountThreshold = 0;
export const oldestUndeliveredSecondsThreshold = 300;
const pollMs = 30_000;

/** The dead-letter count and the oldest undelivered outbox age, for the console header (monitor.read only). */
export function PipelineHealthIndicator() {
  const { has } = usePermissions();
  if (!has("monitor.read")) return null;
  return <PipelineHealth />;
}

function PipelineHealth() {
  const trpc = useTRPC();
  const health = useQuery(trpc.deadLetters.health.queryOptions(undefined, { refetchInterval: pollMs }));
  if (!health.data) return null;
  const { deadLetters, oldestUndeliveredSeconds } = health.data;
  const deadShown = deadLetters > deadLetterCountThreshold;
  const lagShown = oldestUndeliveredSeconds !== null && oldestUndeliveredSeconds > oldestUndeliveredSecondsThreshold;
  if (!deadShown && !lagShown) return null;
  return (
    <div role="status" aria-label="Pipeline health" className="flex items-center gap-2 text-xs">
      {deadShown ? (
        <Link href="/dead-letters" className="rounded bg-rose-50 px-1.5 py-0.5 font-medium text-rose-800 ring-1 ring-rose-300 ring-inset hover:underline">
          {deadLetters.toLocaleString("en-GB")} dead letters
        </Link>
      ) : null}
      {lagShown ? <span className="rounded bg-amber-50 px-1.5 py-0.5 font-medium text-amber-900 ring-1 ring-amber-300 ring-inset">Oldest undelivered outbox event: {durationText(oldestUndeliveredSeconds * 1000)}</span> : null}
    </div>
  );
}
