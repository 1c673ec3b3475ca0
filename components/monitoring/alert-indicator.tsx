"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePermissions } from "../shell/use-permissions";
import { useTRPC } from "../trpc";

const pollMs = 30_000;

/** Unresolved integrity alerts for the console header (monitor.read only); quiet when there are none. */
export function AlertIndicator() {
  const { has } = usePermissions();
  if (!has("monitor.read")) return null;
  return <Alerts />;
}

function Alerts() {
  const trpc = useTRPC();
  const counts = useQuery(trpc.monitoring.alertCounts.queryOptions(undefined, { refetchInterval: pollMs }));
  if (!counts.data) return null;
  const { critical, warning } = counts.data;
  if (critical + warning === 0) return null;
  const label = [critical > 0 ? `${critical} critical` : null, warning > 0 ? `${warning} warning` : null].filter(Boolean).join(", ");
  return (
    <Link
      href="/integrity"
      aria-label={`Integrity alerts: ${label}`}
      className={critical > 0 ? "rounded bg-rose-50 px-1.5 py-0.5 text-xs font-medium text-rose-800 ring-1 ring-rose-300 ring-inset hover:underline" : "rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300 ring-inset hover:underline"}
    >
      {label} alert{critical + warning === 1 ? "" : "s"}
    </Link>
  );
}
