/**
 * npm run audit:verify [-- --table audit_events] [--checkpoint FILE ...] [--public-key FILE ...] [--threads N] [--json]
 * Streams the audit chain in sequence order and exits 0 when it is intact; otherwise exits 1 and
 * names the first broken sequence number and why. Uses APP_DATABASE_URL, else DATABASE_URL, else
 * the embedded default.
 *
 * Checkpoints: every --checkpoint FILE (JSON lines, as the worker exports them) and the
 * audit_checkpoints table are checked: each signature with a TRUSTED public key, then the chain
 * must hold exactly the signed hash at each checkpoint's seq and reach the latest one. Trusted keys
 * come from --public-key files (SPKI PEM), else from AUDIT_SIGNING_KEY and AUDIT_TRUSTED_PUBLIC_KEYS
 * in the environment (the embedded default's demo key included), never from the file being checked.
 * Verifying the live table records the result in audit_verifications (trigger "cli").
 *
 * --threads N (default: 2, at most the number of cores) walks consecutive seq ranges in N threads
 * at once, each over its own connection; the report is exactly that of one walk. --threads 1 walks
 * alone.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { parsePublicKey, parseSigningKey, trustedKeys, type TrustedKey } from "../server/audit/checkpoints/signing-key";
import { fileCheckpoints, recordVerification, tableCheckpoints, verifyWithCheckpoints, type ChainVerifier, type CheckpointEntry } from "../server/audit/checkpoints/verify-with-checkpoints";
import { describeVerification, verifyChain } from "../server/audit/verify-chain";
import { verifyChainInParallel } from "../server/audit/verify-chain-parallel";
import { prepareRuntime } from "./lib/runtime";

const { values } = parseArgs({
  options: {
    table: { type: "string", default: "audit_events" },
    checkpoint: { type: "string", multiple: true, default: [] },
    "public-key": { type: "string", multiple: true, default: [] },
    json: { type: "boolean", default: false },
    threads: { type: "string", default: String(Math.min(2, availableParallelism())) },
  },
});

const threads = Number(values.threads);
if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64) {
  console.error(`--threads must be a whole number from 1 to 64, got ${values.threads}`);
  process.exit(2);
}

function configuredKeys(environment: NodeJS.ProcessEnv): TrustedKey[] {
  if (values["public-key"].length > 0) return values["public-key"].map((file) => parsePublicKey(readFileSync(file, "utf8")));
  const keys: TrustedKey[] = [];
  if (environment.AUDIT_SIGNING_KEY) keys.push(parseSigningKey(environment.AUDIT_SIGNING_KEY));
  for (const part of (environment.AUDIT_TRUSTED_PUBLIC_KEYS ?? "").split(",")) if (part.trim()) keys.push(parsePublicKey(part));
  return keys;
}

let url = process.env.APP_DATABASE_URL;
let environment = process.env;
let stop = async () => undefined;
if (!url) {
  const runtime = await prepareRuntime({ port: 3000, log: () => undefined });
  url = runtime.appUrl;
  environment = runtime.env;
  stop = async () => void (await runtime.stop());
}
const sql = postgres(url, { max: 1, onnotice: () => undefined, connection: { TimeZone: "UTC" } });
let exitCode = 2;
try {
  const keys = trustedKeys(configuredKeys(environment));
  if (values.checkpoint.length > 0 && keys.size === 0) {
    throw new Error("--checkpoint needs a trusted public key: pass --public-key FILE or set AUDIT_SIGNING_KEY");
  }
  const entries: CheckpointEntry[] = values.checkpoint.flatMap((file) => fileCheckpoints(file));
  if (keys.size > 0) entries.push(...(await tableCheckpoints(sql)));
  const startedAt = new Date();
  const appUrl = url;
  const verify: ChainVerifier = (client, options) => (threads > 1 ? verifyChainInParallel(client, { ...options, url: appUrl, threads }) : verifyChain(client, options));
  const result = await verifyWithCheckpoints(sql, { keys, entries, table: values.table, verify });
  const rate = result.elapsedMs > 0 ? Math.round((result.checked / result.elapsedMs) * 1000) : result.checked;
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`${describeVerification(result)} (${Math.round(result.elapsedMs)} ms, ${rate} records/s)`);
  if (keys.size === 0 && !values.json) console.log("no trusted public key configured: signed checkpoints were not checked");
  exitCode = result.ok ? 0 : 1;
  if (values.table === "audit_events") {
    await recordVerification(drizzle({ client: sql, casing: "snake_case" }), result, { startedAt, trigger: "cli" }).catch((error: unknown) => {
      console.error(`the result was not recorded in audit_verifications: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
} catch (error) {
  console.error(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await sql.end({ timeout: 2 });
  await stop();
}
process.exit(exitCode);
