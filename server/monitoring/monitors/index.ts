import { auditMonitors } from "./audit";
import { databaseMonitors } from "./database";
import { ledgerMonitors } from "./ledger";
import { pipelineMonitors } from "./pipeline";
import { providerMonitors } from "./providers";
import { reconciliationMonitors } from "./reconciliation";
import type { MonitorDefinition } from "./types";

/** Every monitor, in the order the integrity page shows them. */
export const monitors: readonly MonitorDefinition[] = [
  ...ledgerMonitors,
  ...pipelineMonitors,
  ...providerMonitors,
  ...reconciliationMonitors,
  ...auditMonitors,
  ...databaseMonitors,
];

export const monitorKeys = monitors.map((monitor) => monitor.key);

export function findMonitor(key: string): MonitorDefinition | undefined {
  return monitors.find((monitor) => monitor.key === key);
}

export * from "./types";
