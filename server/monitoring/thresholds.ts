import { desc } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { monitorThresholds } from "@/db/schema";
import type { Direction } from "./evaluate";
import { monitors } from "./monitors";

export interface ActiveThreshold {
  monitor: string;
  version: number;
  warning: string;
  critical: string;
  direction: Direction;
  params: Record<string, number>;
  createdAt: Date;
  createdBy: string;
  requestId: string | null;
}

/**
 * Writes each monitor's defaults as its version 1 when it has none. Concurrent callers (two
 * workers starting together) both insert; the primary key keeps one and the other does nothing.
 */
export async function ensureDefaultThresholds(db: Executor): Promise<void> {
  await db
    .insert(monitorThresholds)
    .values(monitors.map((monitor) => ({ monitor: monitor.key, version: 1, ...monitor.defaults, createdBy: "system:defaults" })))
    .onConflictDoNothing({ target: [monitorThresholds.monitor, monitorThresholds.version] });
}

/** The highest version per monitor: the thresholds in force. */
export async function activeThresholds(db: Executor): Promise<Map<string, ActiveThreshold>> {
  const rows = await db
    .selectDistinctOn([monitorThresholds.monitor])
    .from(monitorThresholds)
    .orderBy(monitorThresholds.monitor, desc(monitorThresholds.version));
  return new Map(rows.map((row) => [row.monitor, { ...row, direction: row.direction as Direction, params: row.params as Record<string, number> }]));
}
