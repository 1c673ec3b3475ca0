import type postgres from "postgres";
import { chainHash, genesisHash, type HashedAuditRecord } from "./chain";

export interface StoredAuditRow extends HashedAuditRecord {
  prevHash: string;
  hash: string;
}

export type ChainBreak =
  | { seq: number; reason: "gap"; detail: string }
  | { seq: number; reason: "broken_link"; detail: string }
  | { seq: number; reason: "hash_mismatch"; detail: string };

export interface ChainVerification {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBreak: ChainBreak | null;
  elapsedMs: number;
}

/**
 * Walks the chain in sequence order and stops at the first broken link. Each row is checked three
 * ways: its seq follows the previous one, its prev_hash equals the previous row's hash, and its
 * hash recomputes from its own fields. Checking only the ends would accept a forged middle.
 */
export async function verifyRows(rows: AsyncIterable<StoredAuditRow[]>): Promise<ChainVerification> {
  const started = performance.now();
  let expectedSeq = 1;
  let previousHash = genesisHash;
  let checked = 0;
  for await (const batch of rows) {
    for (const row of batch) {
      const failure = checkRow(row, expectedSeq, previousHash);
      if (failure) return finish(false, checked, expectedSeq - 1, previousHash, failure, started);
      checked += 1;
      expectedSeq = row.seq + 1;
      previousHash = row.hash;
    }
  }
  return finish(true, checked, expectedSeq - 1, previousHash, null, started);
}

function checkRow(row: StoredAuditRow, expectedSeq: number, previousHash: string): ChainBreak | null {
  if (row.seq !== expectedSeq) {
    const detail = row.seq > expectedSeq ? `expected seq ${expectedSeq}, found ${row.seq}` : `seq ${row.seq} out of order`;
    return { seq: expectedSeq, reason: "gap", detail };
  }
  if (row.prevHash !== previousHash) {
    return { seq: row.seq, reason: "broken_link", detail: `prev_hash does not equal the hash of seq ${row.seq - 1}` };
  }
  const { prevHash, hash, ...record } = row;
  if (chainHash(prevHash, record) !== hash) {
    return { seq: row.seq, reason: "hash_mismatch", detail: "stored hash does not match the record's contents" };
  }
  return null;
}

function finish(
  ok: boolean,
  checked: number,
  headSeq: number,
  headHash: string,
  firstBreak: ChainBreak | null,
  started: number,
): ChainVerification {
  return { ok, checked, headSeq, headHash, firstBreak, elapsedMs: performance.now() - started };
}

const batchSize = 5_000;

/**
 * Streams a table with the audit_events layout in keyset batches. The time is formatted by SQL into
 * exactly the ISO 8601 form that was hashed, so the result does not depend on driver type parsing. The table name is a parameter so
 * tests and investigators can verify a copy; it is checked against a strict identifier pattern.
 */
export async function* streamAuditRows(sql: postgres.Sql, table = "audit_events"): AsyncGenerator<StoredAuditRow[]> {
  if (!/^[a-z_][a-z0-9_.]{0,126}$/.test(table)) throw new Error(`invalid table name ${table}`);
  let after = 0;
  for (;;) {
    const rows = await sql.unsafe(
      `select seq, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at, actor_type, actor_id, action, target_type, target_id, outcome,
              correlation_id, ip, user_agent, details, prev_hash, hash
         from ${table} where seq > $1 order by seq limit ${batchSize}`,
      [after],
    );
    if (rows.length === 0) return;
    yield rows.map(toStoredRow);
    after = Number(rows[rows.length - 1]?.seq);
    if (rows.length < batchSize) return;
  }
}

function toStoredRow(row: postgres.Row): StoredAuditRow {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    outcome: row.outcome,
    correlationId: row.correlation_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function describeVerification(result: ChainVerification): string {
  if (result.ok) return `audit chain intact: ${result.checked} records, head seq ${result.headSeq}`;
  const failure = result.firstBreak;
  return `audit chain BROKEN at seq ${failure?.seq}: ${failure?.reason} (${failure?.detail}); ${result.checked} records verified before it`;
}
