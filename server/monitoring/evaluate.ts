import Decimal from "decimal.js";

export type MonitorState = "ok" | "warning" | "critical" | "unknown";
export type Direction = "above" | "below";

export interface ThresholdLevels {
  warning: string;
  critical: string;
  direction: Direction;
}

/** Decimal text as the thresholds and readings carry it: no exponent, no NaN or Infinity. */
export const decimalTextPattern = /^-?\d{1,18}(\.\d{1,9})?$/;

/**
 * The state a value means under a threshold, compared as exact decimals. `above`: a value at or
 * over `critical` is critical, else at or over `warning` is warning. `below` mirrors it. No value
 * (the monitor could not measure, or there is nothing to measure yet) is unknown, never ok.
 */
export function evaluate(value: string | null, threshold: ThresholdLevels): Exclude<MonitorState, "unknown"> | "unknown" {
  if (value === null) return "unknown";
  const reading = new Decimal(value);
  const reached = (limit: string) => (threshold.direction === "above" ? reading.greaterThanOrEqualTo(limit) : reading.lessThanOrEqualTo(limit));
  if (reached(threshold.critical)) return "critical";
  if (reached(threshold.warning)) return "warning";
  return "ok";
}

/** A threshold is consistent when warning comes before critical in the direction of "worse". */
export function levelsConsistent(threshold: ThresholdLevels): boolean {
  const warning = new Decimal(threshold.warning);
  return threshold.direction === "above" ? warning.lessThanOrEqualTo(threshold.critical) : warning.greaterThanOrEqualTo(threshold.critical);
}

const severityRank: Record<MonitorState, number> = { unknown: 0, ok: 0, warning: 1, critical: 2 };

export function worse(a: MonitorState, b: MonitorState): boolean {
  return severityRank[a] > severityRank[b];
}
