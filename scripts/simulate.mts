/**
 * npm run simulate -- --rate R --duration S --seed N [--url U] [--failure-share F] [--customers C]
 * A provider sandbox: signs realistic provider events (Standard Webhooks, with the providers'
 * secrets from WEBHOOK_SECRETS or .data/secrets.json) and POSTs them to a running instance at R
 * events per second for S seconds. Customers are read from the database (DATABASE_URL or the
 * embedded default). Duplicates, rollbacks that overtake their bet, and a share F of events built
 * to fail (unknown customer, unknown bet, schema-invalid) are mixed in. Loopback targets only;
 * every loop is bounded by R x S events.
 */
import { parseArgs } from "node:util";
import { connectDatabase } from "../db/client";
import { simulationCustomers } from "../server/demo/load-demo-webhooks";
import { webhookHeaders } from "../server/ingest/signature";
import { simulateEvents, type SimulatedKind } from "../server/ingest/simulation";
import { prepareRuntime } from "./lib/runtime";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    duration: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    url: { type: "string" },
    "failure-share": { type: "string", default: "0.05" },
    customers: { type: "string", default: "100" },
  },
});

function whole(name: string, text: string, min: number, max: number): number {
  if (!/^[0-9]{1,9}$/.test(text) || Number.parseInt(text, 10) < min || Number.parseInt(text, 10) > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return Number.parseInt(text, 10);
}
const rate = whole("rate", values.rate, 1, 1_000);
const durationSeconds = whole("duration", values.duration, 1, 3_600);
const seed = whole("seed", values.seed, 0, 2_147_483_647);
const customerCount = whole("customers", values.customers, 1, 10_000);
if (!/^(0(\.[0-9]+)?|1(\.0+)?)$/.test(values["failure-share"])) throw new Error("--failure-share must be a number from 0 to 1");
// A share, not money: a float is right here.
const failureShare = Number(values["failure-share"]);
const target = new URL(values.url ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`);
const loopback = ["localhost", "[::1]"].includes(target.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(target.hostname);
if (!loopback || !["http:", "https:"].includes(target.protocol)) throw new Error("--url must be an http(s) address on this machine (127.0.0.0/8, localhost or [::1])");

const runtime = await prepareRuntime({ port: Number.parseInt(target.port || "3000", 10), log: () => undefined });
const secrets = JSON.parse(runtime.env.WEBHOOK_SECRETS ?? "{}") as Record<string, string | string[]>;
const secretOf = (provider: string): string[] => {
  const value = secrets[provider];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};
const handle = connectDatabase(runtime.appUrl, { maxConnections: 1 });
const customers = await simulationCustomers(handle, customerCount);
await handle.close();
if (customers.length === 0) throw new Error("no verified customers with a wallet in the database; run npm run seed first");

const eventsPlanned = rate * durationSeconds;
const inFlightMax = 64;
const tickMs = 100;
const statuses = new Map<string, number>();
const kinds = new Map<SimulatedKind, number>();
const count = <K,>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
const events = simulateEvents({ seed, customers, failureShare, runTag: Date.now().toString(36), paymentProvider: "acmepay", gameProvider: "spinworks" });

async function send(): Promise<void> {
  const next = events.next();
  if (next.done) return;
  const event = next.value;
  const body = JSON.stringify(event.body);
  const keys = secretOf(event.provider);
  if (keys.length === 0) throw new Error(`no webhook secret for provider ${event.provider}`);
  count(kinds, event.kind);
  try {
    const response = await fetch(new URL(`/api/webhooks/${event.provider}`, target), {
      method: "POST",
      headers: { "content-type": "application/json", ...webhookHeaders(keys, event.id, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    count(statuses, String(response.status));
  } catch (error) {
    count(statuses, error instanceof Error ? error.name : "error");
  }
}

console.log(`simulating ${eventsPlanned} events at ${rate}/s for ${durationSeconds}s against ${target.origin} (seed ${seed}, failure share ${failureShare}, ${customers.length} customers)`);
const started = performance.now();
const inFlight = new Set<Promise<void>>();
let sent = 0;
for (let tick = 0; sent < eventsPlanned; tick += 1) {
  const due = Math.min(eventsPlanned, Math.ceil(((tick + 1) * tickMs * rate) / 1000));
  while (sent < due) {
    while (inFlight.size >= inFlightMax) await Promise.race(inFlight);
    const request = send().finally(() => inFlight.delete(request));
    inFlight.add(request);
    sent += 1;
  }
  const wait = started + (tick + 1) * tickMs - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await Promise.all(inFlight);
await runtime.stop();
const elapsedSeconds = (performance.now() - started) / 1000;
console.log(`sent ${sent} in ${elapsedSeconds.toFixed(1)}s (${(sent / elapsedSeconds).toFixed(1)}/s)`);
console.log(`by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
console.log(`by answer: ${JSON.stringify(Object.fromEntries(statuses))}`);
