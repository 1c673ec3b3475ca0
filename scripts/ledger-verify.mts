/**
 * npm run ledger:verify: every transaction balanced with at least two entries, the trial balance zero
 * in every currency, and every cached balance equal to the sum of its entries. Exits 0 when all hold,
 * 1 naming each difference otherwise. Uses APP_DATABASE_URL, else DATABASE_URL, else the embedded default.
 */
import { connectDatabase } from "../db/client";
import { describeLedgerVerification, verifyLedger } from "../server/ledger/verify-ledger";
import { prepareRuntime } from "./lib/runtime";

let url = process.env.APP_DATABASE_URL;
let stop = async () => undefined;
if (!url) {
  const runtime = await prepareRuntime({ port: 3000, log: () => undefined });
  url = runtime.appUrl;
  stop = async () => void (await runtime.stop());
}
const handle = connectDatabase(url, { maxConnections: 1, statementTimeoutMs: 0 });
let exitCode = 2;
try {
  const result = await verifyLedger(handle.db);
  for (const line of describeLedgerVerification(result)) console.log(line);
  console.log(`checked in ${Math.round(result.elapsedMs)} ms`);
  exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`ledger:verify could not run: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await handle.close();
  await stop();
}
process.exit(exitCode);
