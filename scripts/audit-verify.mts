/**
 * npm run audit:verify [-- --table audit_events]
 * Streams the audit chain in sequence order and exits 0 when it is intact; otherwise exits 1 and
 * names the first broken sequence number and why. Uses APP_DATABASE_URL, else DATABASE_URL, else
 * the embedded default.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { describeVerification, streamAuditRows, verifyRows } from "../server/audit/verify-chain";
import { prepareRuntime } from "./lib/runtime";

const { values } = parseArgs({ options: { table: { type: "string", default: "audit_events" }, json: { type: "boolean", default: false } } });

let url = process.env.APP_DATABASE_URL;
let stop = async () => undefined;
if (!url) {
  const runtime = await prepareRuntime({ port: 3000, log: () => undefined });
  url = runtime.appUrl;
  stop = async () => void (await runtime.stop());
}
const sql = postgres(url, { max: 1, onnotice: () => undefined });
let exitCode = 2;
try {
  const result = await verifyRows(streamAuditRows(sql, values.table));
  const rate = result.elapsedMs > 0 ? Math.round((result.checked / result.elapsedMs) * 1000) : result.checked;
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`${describeVerification(result)} (${Math.round(result.elapsedMs)} ms, ${rate} records/s)`);
  exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await sql.end({ timeout: 2 });
  await stop();
}
process.exit(exitCode);
