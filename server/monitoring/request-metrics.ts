import { Counter, Histogram, Registry } from "prom-client";

/**
 * Per-process request metrics of the web tier, kept on globalThis so a dev reload keeps counting.
 * Labels are bounded: the procedure path (a fixed set), its type, and the outcome (ok or a tRPC
 * error code). Nothing about the caller or the input is recorded.
 */
interface RequestMetrics {
  registry: Registry;
  requests: Counter<"procedure" | "type" | "outcome">;
  duration: Histogram<"procedure" | "type">;
}

const holder = globalThis as unknown as { countersignRequestMetrics?: RequestMetrics };

export function requestMetrics(): RequestMetrics {
  if (holder.countersignRequestMetrics) return holder.countersignRequestMetrics;
  const registry = new Registry();
  const metrics: RequestMetrics = {
    registry,
    requests: new Counter({ name: "countersign_trpc_requests_total", help: "tRPC procedure calls by procedure, type and outcome (ok or the tRPC error code).", labelNames: ["procedure", "type", "outcome"], registers: [registry] }),
    duration: new Histogram({
      name: "countersign_trpc_request_duration_seconds",
      help: "tRPC procedure latency in seconds, by procedure and type.",
      labelNames: ["procedure", "type"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  holder.countersignRequestMetrics = metrics;
  return metrics;
}

export function observeRequest(procedure: string, type: string, outcome: string, seconds: number): void {
  const metrics = requestMetrics();
  metrics.requests.inc({ procedure, type, outcome });
  metrics.duration.observe({ procedure, type }, seconds);
}
