/**
 * npm run seed -- [--customers N] [--transactions N] [--seed S]
 * Loads the demo staff (once) and a deterministic ledger volume for seed S, then verifies the ledger.
 * The same seed is loaded at most once per database. Uses DATABASE_URL or the embedded default.
 */
import { parseArgs } from "node:util";
import { connectDatabase } from "../db/client";
import { systemMeta } from "../db/schema";
import { seedDemoStaff } from "../server/demo/demo-staff";
import { seedLedger } from "../server/demo/seed-ledger";
import { describeLedgerVerification, verifyLedger } from "../server/ledger/verify-ledger";
import { prepareRuntime } from "./lib/runtime";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "1000" },
    transactions: { type: "string", default: "50000" },
    seed: { type: "string", default: "42" },
    "batch-size": { type: "string", default: "10000" },
  },
});
const count = (name: string, text: string, max: number) => {
  if (!/^[0-9]{1,9}$/.test(text) || Number.parseInt(text, 10) > max) throw new Error(`--${name} must be a whole number up to ${max}`);
  return Number.parseInt(text, 10);
};
const customers = count("customers", values.customers, 10_000_000);
const transactions = count("transactions", values.transactions, 100_000_000);
const seed = count("seed", values.seed, 2_147_483_647);
const batchSize = count("batch-size", values["batch-size"], 100_000);
if (customers === 0 && transactions > 0) throw new Error("--transactions needs at least one customer");

const runtime = await prepareRuntime({ port: 3000, log: (line) => console.log(line) });
const handle = connectDatabase(runtime.appUrl, { maxConnections: 2, statementTimeoutMs: 0 });
let exitCode = 0;
try {
  if (await seedDemoStaff(handle.db)) console.log("demo staff loaded");
  const claimed = await handle.db.insert(systemMeta).values({ key: `ledger_seed:${seed}`, value: { customers, transactions, loadedAt: new Date().toISOString() } }).onConflictDoNothing().returning();
  if (claimed.length === 0) {
    console.log(`seed ${seed} is already loaded in this database; choose another --seed`);
    exitCode = 1;
  } else {
    const result = await seedLedger(handle, { customers, transactions, seed, batchSize, log: (line) => console.log(line) });
    const seconds = result.elapsedMs / 1000;
    console.log(`seeded ${result.customers} customers, ${result.transactions} transactions, ${result.entries} entries in ${seconds.toFixed(1)} s (${Math.round(result.transactions / seconds)} transactions/s)`);
    const verification = await verifyLedger(handle.db);
    for (const line of describeLedgerVerification(verification)) console.log(line);
    exitCode = verification.ok ? 0 : 1;
  }
} finally {
  await handle.close();
  await runtime.stop();
}
process.exit(exitCode);
