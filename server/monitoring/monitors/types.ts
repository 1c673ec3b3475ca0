import type { Executor } from "@/db/client";
import type { pipelineHealth } from "../../deadletters/pipeline-health";
import type { LedgerVerification } from "../../ledger/verify-ledger";
import type { Direction } from "../evaluate";

export const monitorGroups = ["ledger", "pipeline", "providers", "reconciliation", "audit", "database"] as const;
export type MonitorGroup = (typeof monitorGroups)[number];

export type MonitorUnit = "count" | "seconds" | "milliseconds" | "bytes";

/** What one check of one monitor found. Details and evidence never carry personal data. */
export interface Measurement {
  /** Decimal text; null when there is nothing to measure (never verified, no replica). */
  value: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** The console path of the list behind the number. */
  evidenceHref: string | null;
  /** A fact that is critical whatever the number (the last chain verification found a break). */
  forcedState?: "critical";
}

/** Measurements shared by several monitors in one check, computed at most once per check. */
/** A ledger verification and when it ran (the worker's checks reuse one for a while). */
export type CheckedLedger = LedgerVerification & { verifiedAt: string };

export interface SharedMeasures {
  ledger(): Promise<CheckedLedger>;
  pipeline(): Promise<Awaited<ReturnType<typeof pipelineHealth>>>;
}

export interface MeasureContext {
  db: Executor;
  params: Record<string, number>;
  shared: SharedMeasures;
}

export interface ParamDefinition {
  label: string;
  min: number;
  max: number;
}

export interface MonitorDefinition {
  key: string;
  group: MonitorGroup;
  title: string;
  description: string;
  unit: MonitorUnit;
  defaults: { warning: string; critical: string; direction: Direction; params: Record<string, number> };
  params: Record<string, ParamDefinition>;
  measure(context: MeasureContext): Promise<Measurement>;
}

/** The page that lists what is behind a monitor's number when no single record explains it. */
export function monitorPage(key: string): string {
  return `/integrity/monitors/${encodeURIComponent(key)}`;
}

export function count(value: number): string {
  return String(Math.trunc(value));
}

/** Seconds as decimal text with at most three decimals (a duration is not money). */
export function secondsText(seconds: number): string {
  return (Math.round(seconds * 1000) / 1000).toFixed(3).replace(/\.?0+$/, "");
}
