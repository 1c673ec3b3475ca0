import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { runChecks } from "./run-checks";

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Values as Go's ParseFloat reads them (promtool's parser): NaN and Inf in any case.
const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|[nN][aA][nN]|[+-][iI][nN][fF])( -?\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/y;

interface Family {
  help?: string;
  type?: string;
  samples: string[];
}

/** The checks `promtool check metrics` makes on the text format, written out so a failure names the rule. */
function lint(text: string): { families: Map<string, Family>; problems: string[] } {
  const families = new Map<string, Family>();
  const problems: string[] = [];
  const familyOf = (name: string) => {
    const family = families.get(name) ?? { samples: [] };
    families.set(name, family);
    return family;
  };
  let current: string | null = null;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = "", rest = ""] = meta;
      if (!metricName.test(name)) problems.push(`bad metric name ${name}`);
      const family = familyOf(name);
      if (kind === "HELP") {
        if (family.help !== undefined) problems.push(`duplicate HELP for ${name}`);
        if (family.samples.length > 0) problems.push(`HELP for ${name} after its samples`);
        family.help = rest;
      } else {
        if (family.type !== undefined) problems.push(`duplicate TYPE for ${name}`);
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) problems.push(`bad TYPE ${rest} for ${name}`);
        family.type = rest;
      }
      if (current !== name && family.samples.length > 0) problems.push(`family ${name} is not contiguous`);
      current = name;
      continue;
    }
    if (line.startsWith("#")) continue;
    const sample = sampleLine.exec(line);
    if (!sample) {
      problems.push(`unparsable line: ${line}`);
      continue;
    }
    const [, name = "", , labels = ""] = sample;
    const base = [...families.keys()].find((family) => name === family || (["histogram", "summary"].includes(families.get(family)?.type ?? "") && /^(.+)_(bucket|sum|count)$/.exec(name)?.[1] === family));
    if (!base) problems.push(`sample ${name} has no HELP/TYPE`);
    else if (base !== current) problems.push(`sample ${name} outside its family block`);
    else familyOf(base).samples.push(line);
    labelPair.lastIndex = 0;
    let consumed = 0;
    while (consumed < labels.length) {
      labelPair.lastIndex = consumed;
      const pair = labelPair.exec(labels);
      if (!pair) {
        problems.push(`bad labels in ${line}`);
        break;
      }
      if (!labelName.test(pair[1] ?? "")) problems.push(`bad label name in ${line}`);
      consumed = labelPair.lastIndex;
    }
  }
  for (const [name, family] of families) {
    if (family.help === undefined) problems.push(`${name} has no HELP`);
    if (family.type === undefined) problems.push(`${name} has no TYPE`);
    if (family.type === "counter" && !name.endsWith("_total")) problems.push(`counter ${name} does not end in _total`);
    if (family.type !== "counter" && name.endsWith("_total")) problems.push(`${family.type ?? "untyped"} ${name} ends in _total, which only counters may`);
  }
  return { families, problems };
}

const promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((path) => existsSync(path));

describe("GET /api/metrics", () => {
  let database: TestDatabase;
  const token = "metrics-token-for-the-test-0123456789";

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 6 });
    Object.assign(process.env, { APP_DATABASE_URL: database.appUrl, NEXTAUTH_SECRET: "x".repeat(40), NEXTAUTH_URL: "http://localhost:3000", METRICS_TOKEN: token });
    const { caller } = await signedInCaller(database.app.db, "operations");
    await caller.monitoring.checkNow();
    await caller.monitoring.overview();
    await caller.monitoring.alert({ id: "00000000-0000-7000-8000-000000000000" }).catch(() => undefined);
    await runChecks(database.app.db);
  });
  afterAll(async () => {
    const { database: handle } = await import("../db");
    await handle().close();
    await database.drop();
  });

  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    const { metricsResponse } = await import("./metrics");
    expect((await metricsResponse(new Request("http://localhost/api/metrics"))).status).toBe(401);
    expect((await metricsResponse(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer wrong-token-of-other-length" } }))).status).toBe(401);
  });

  it("scrapes cleanly by promtool's rules, with the monitors, requests per procedure and job counters, and no personal data", async () => {
    const { metricsResponse } = await import("./metrics");
    const response = await metricsResponse(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${token}` } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const { families, problems } = lint(text);
    expect(problems).toEqual([]);
    for (const name of [
      "countersign_monitor_value",
      "countersign_monitor_state",
      "countersign_alerts_unresolved",
      "countersign_trpc_requests_total",
      "countersign_trpc_request_duration_seconds",
      "countersign_jobs_completed_total",
      "countersign_job_retries_total",
      "countersign_dead_lettered_total",
      "countersign_process_cpu_seconds_total",
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    expect(text).toMatch(/countersign_monitor_state\{monitor="ledger\.balance_mismatches",state="ok"\} 1/);
    expect(text).toMatch(/countersign_monitor_value\{monitor="database\.size",group="database",unit="bytes"\} \d+/);
    expect(text).toMatch(/countersign_trpc_requests_total\{procedure="monitoring\.checkNow",type="mutation",outcome="ok"\} 1/);
    expect(text).toMatch(/countersign_trpc_requests_total\{procedure="monitoring\.alert",type="query",outcome="NOT_FOUND"\} 1/);
    expect(text).toMatch(/countersign_trpc_request_duration_seconds_bucket\{le="\+Inf",procedure="monitoring\.overview",type="query"\} 1/);
    expect(text).not.toMatch(/@/);
  });

  // The real tool as well, where it is installed (.ci/run installs Debian's prometheus for it).
  it.skipIf(!promtool)("passes promtool check metrics", async () => {
    const { metricsResponse } = await import("./metrics");
    const response = await metricsResponse(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${token}` } }));
    const checked = spawnSync(promtool ?? "promtool", ["check", "metrics"], { input: await response.text(), encoding: "utf8" });
    expect(`${checked.stdout}${checked.stderr}`.trim()).toBe("");
    expect(checked.status).toBe(0);
  });

  it("answers health with liveness and database readiness", async () => {
    const { checkHealth } = await import("./health");
    const health = await checkHealth();
    expect(health).toMatchObject({ status: "ok", checks: { process: { ok: true }, database: { ok: true } } });
  });
});
