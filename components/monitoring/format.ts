import type { BadgeTone } from "../ui/badge";

export type MonitorState = "ok" | "warning" | "critical" | "unknown";

export const stateTone: Record<MonitorState, BadgeTone> = { ok: "success", warning: "warning", critical: "danger", unknown: "neutral" };
export const stateLabel: Record<MonitorState, string> = { ok: "OK", warning: "Warning", critical: "Critical", unknown: "Unknown" };

export const groupLabels: Record<string, string> = {
  ledger: "Ledger",
  pipeline: "Outbox and dead letters",
  providers: "Providers and webhooks",
  reconciliation: "Reconciliation",
  audit: "Audit chain",
  database: "Database",
};

/** A duration for people: "45 s", "12 min", "3.5 h", "2.1 d". */
function durationOf(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 && seconds % 1 !== 0 ? 1 : 0)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

function bytesOf(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A reading or threshold in the monitor's unit. These are counts and durations, never money. */
export function formatMeasure(value: string | null, unit: string): string {
  if (value === null) return "—";
  const quantity = Number(value);
  if (!Number.isFinite(quantity)) return value;
  if (unit === "seconds") return durationOf(quantity);
  if (unit === "milliseconds") return `${quantity.toFixed(1)} ms`;
  if (unit === "bytes") return bytesOf(quantity);
  return quantity.toLocaleString("en-GB");
}

export function thresholdText(threshold: { warning: string; critical: string; direction: "above" | "below" }, unit: string): string {
  const sign = threshold.direction === "above" ? "≥" : "≤";
  if (threshold.warning === threshold.critical) return `critical ${sign} ${formatMeasure(threshold.critical, unit)}`;
  return `warning ${sign} ${formatMeasure(threshold.warning, unit)}, critical ${sign} ${formatMeasure(threshold.critical, unit)}`;
}
