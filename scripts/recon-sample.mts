/**
 * npm run recon:sample -- --seed N [--provider acmepay] [--format default|european] [--days 7] [--inject 3] [--out FILE]
 *
 * Writes a provider statement consistent with the ledger in the database (the provider's deposits
 * and payment records over the last --days full days) with --inject differences of each class
 * injected, and beside it FILE.manifest.json naming every injected reference. Upload the file at
 * /reconciliation/statements/new and run a payments reconciliation: it finds exactly those.
 * Uses APP_DATABASE_URL, else the embedded default database.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { connectDatabase } from "../db/client";
import { countersignFormat, europeanFormat } from "../server/recon/formats";
import { generateSampleStatement } from "../server/recon/sample-statement";
import { prepareRuntime } from "./lib/runtime";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    provider: { type: "string", default: "acmepay" },
    format: { type: "string" },
    days: { type: "string", default: "7" },
    inject: { type: "string", default: "3" },
    out: { type: "string" },
  },
});
const seed = Number.parseInt(values.seed, 10);
const format = values.format === undefined ? undefined : values.format === "default" ? countersignFormat : values.format === "european" ? europeanFormat : null;
if (!Number.isInteger(seed) || format === null) {
  console.error("usage: npm run recon:sample -- --seed N [--provider acmepay|globalpsp] [--format default|european] [--days 7] [--inject 3] [--out FILE]");
  process.exit(2);
}
let url = process.env.APP_DATABASE_URL;
let stop = async () => undefined;
if (!url) {
  const runtime = await prepareRuntime({ port: 3000, log: () => undefined });
  url = runtime.appUrl;
  stop = async () => void (await runtime.stop());
}
const handle = connectDatabase(url, { maxConnections: 1, statementTimeoutMs: 0 });
let exitCode = 0;
try {
  const { csv, manifest } = await generateSampleStatement(handle.db, {
    seed,
    provider: values.provider,
    format,
    days: Number.parseInt(values.days, 10),
    inject: Number.parseInt(values.inject, 10),
  });
  const out = values.out ?? `recon-sample-${values.provider}-${seed}.csv`;
  writeFileSync(out, csv);
  writeFileSync(`${out}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${out}: ${manifest.lines} lines for ${manifest.provider} (${manifest.format}), ${manifest.from} to ${manifest.to}, against ${manifest.ledgerItems} ledger items`);
  for (const [name, count] of Object.entries(manifest.expected)) console.log(`  injected ${count} ${name}: ${manifest.injected[name as keyof typeof manifest.injected].join(", ")}`);
  if (manifest.settlement) console.log(`  settlement ${manifest.settlement.reference} covers ${manifest.settlement.covers.join(", ")}`);
  console.log(`  listed under the provider's own reference (amount + date match): ${manifest.amountDate.join(", ")}`);
  console.log(`manifest: ${out}.manifest.json`);
} catch (error) {
  console.error(`recon:sample failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await handle.close();
  await stop();
}
process.exit(exitCode);
