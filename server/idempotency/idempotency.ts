import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Executor, Transaction } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";
import { canonicalJson } from "../audit/chain";
import { DomainError } from "../errors";

export const idempotencyKeyPattern = /^[A-Za-z0-9_.:-]{8,100}$/;

export function requestHash(payload: unknown): string {
  return createHash("sha256").update(canonicalJson(payload ?? null)).digest("hex");
}

export type Claim = { fresh: true } | { fresh: false; response: unknown };

/**
 * Claims (scope, key) inside the caller's transaction. The first caller gets `fresh`; a concurrent
 * twin waits on the primary key until the first commits and then gets its stored response. The
 * same key with a different payload is IDEMPOTENCY_CONFLICT and nothing is written.
 */
export async function claimIdempotencyKey(tx: Transaction, scope: string, key: string, hash: string): Promise<Claim> {
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({ scope, key, requestHash: hash })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { fresh: true };
  const [existing] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  if (!existing) throw new DomainError("IDEMPOTENCY_IN_FLIGHT", "The same request is still being processed; retry shortly.");
  if (existing.requestHash !== hash) {
    throw new DomainError("IDEMPOTENCY_CONFLICT", "This idempotency key was already used for a different request.", {
      field: "idempotencyKey",
    });
  }
  return { fresh: false, response: existing.response };
}

export async function completeIdempotencyKey(tx: Transaction, scope: string, key: string, response: unknown): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ response: sql`${JSON.stringify(response ?? null)}::jsonb` })
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

/** Keys are kept at least the retention period (default 7 days), then pruned by the worker. */
export async function pruneIdempotencyKeys(db: Executor, retentionHours = 24 * 7, now = new Date()): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - retentionHours * 3_600_000)))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
