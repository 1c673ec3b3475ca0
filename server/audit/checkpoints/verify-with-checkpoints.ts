import { readFileSync } from "node:fs";
import type postgres from "postgres";
import { uuidv7 } from "uuidv7";
import type { Database, Executor } from "@/db/client";
import { auditVerifications } from "@/db/schema";
import { verifyChain, type ChainBreak, type ChainVerification, type CheckpointMark, type VerifyOptions } from "../verify-chain";
import { checkCheckpoint } from "./checkpoint-message";
import type { TrustedKeys } from "./signing-key";

/** verifyChain, or verifyChainInParallel where worker threads can load (the scripts). */
export type ChainVerifier = (sql: postgres.Sql, options: VerifyOptions) => Promise<ChainVerification>;

/** One checkpoint as found, with where it was found (for messages). */
export interface CheckpointEntry {
  source: string;
  value: unknown;
}

/** Every checkpoint in the audit_checkpoints table, oldest first. */
export async function tableCheckpoints(sql: postgres.Sql): Promise<CheckpointEntry[]> {
  // The time is formatted by PostgreSQL: a drizzle-owned client hands timestamps over as raw text.
  const rows = await sql<{ seq: string; hash: string; signed_at: string; key_id: string; message: string; signature: string }[]>`
    select seq::text, hash, to_char(signed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as signed_at, key_id, message, signature
    from audit_checkpoints order by seq`;
  return rows.map((row) => ({
    source: `audit_checkpoints seq ${row.seq}`,
    value: { seq: Number(row.seq), hash: row.hash, signedAt: row.signed_at, keyId: row.key_id, message: row.message, signature: row.signature },
  }));
}

/** An exported checkpoint file: one JSON object per line (blank lines ignored). */
export function fileCheckpoints(path: string): CheckpointEntry[] {
  const entries: CheckpointEntry[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = `line ${index + 1} is not JSON`;
      }
      entries.push({ source: `${path}:${index + 1}`, value });
    });
  return entries;
}

/**
 * Checks every checkpoint's signature with the trusted keys, then walks the chain against the valid
 * ones. A chain break is reported first (it says where the chain itself fails); otherwise the first
 * invalid checkpoint (bad signature, untrusted key, fields that disagree with the signed message)
 * fails the verification, because a forged checkpoint means the evidence itself was tampered with.
 */
export async function verifyWithCheckpoints(
  sql: postgres.Sql,
  options: { keys: TrustedKeys; entries: readonly CheckpointEntry[]; table?: string; verify?: ChainVerifier },
): Promise<ChainVerification> {
  const marks: CheckpointMark[] = [];
  let invalid: ChainBreak | null = null;
  for (const entry of options.entries) {
    const check = checkCheckpoint(entry.value, options.keys);
    if (check.ok) marks.push({ seq: check.checkpoint.seq, hash: check.checkpoint.hash, signedAt: check.checkpoint.signedAt });
    else invalid ??= { seq: check.seq ?? 0, reason: "checkpoint_invalid", detail: `${entry.source}: ${check.detail}` };
  }
  const result = await (options.verify ?? verifyChain)(sql, { table: options.table, checkpoints: marks });
  if (!result.ok || !invalid) return result;
  return { ...result, ok: false, firstBreak: invalid };
}

/** Records a full verification's outcome for the monitors (audit_verifications is append-only). */
export async function recordVerification(db: Executor, result: ChainVerification, options: { startedAt: Date; trigger: string }): Promise<string> {
  const id = uuidv7();
  await db.insert(auditVerifications).values({
    id,
    startedAt: options.startedAt,
    finishedAt: new Date(),
    ok: result.ok,
    records: result.checked,
    headSeq: result.headSeq,
    firstBrokenSeq: result.firstBreak?.seq ?? null,
    reason: result.firstBreak ? `${result.firstBreak.reason}: ${result.firstBreak.detail}`.slice(0, 1000) : null,
    checkpointsChecked: result.checkpointsChecked,
    trigger: options.trigger,
  });
  return id;
}

/** The worker's and the console's full verification: the chain against every stored checkpoint. */
export async function runFullVerification(
  db: Database,
  options: { keys: TrustedKeys; trigger: string },
): Promise<{ id: string; result: ChainVerification }> {
  const startedAt = new Date();
  // Without a trusted key the stored checkpoints cannot be checked; the chain alone still is.
  const entries = options.keys.size > 0 ? await tableCheckpoints(db.$client) : [];
  const result = await verifyWithCheckpoints(db.$client, { keys: options.keys, entries });
  const id = await recordVerification(db, result, { startedAt, trigger: options.trigger });
  return { id, result };
}
