import "server-only";
import type { Transaction } from "@/db/client";
import { collectingAuditScope } from "../audit/audit-scope";
import { appendAuditEvent, recordAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { can, type Permission } from "../auth/permissions";
import type { StaffSession } from "../auth/sessions";
import { DomainError, domainErrorStatus } from "../errors";
import { claimIdempotencyKey, completeIdempotencyKey, idempotencyKeyPattern, requestHash } from "../idempotency/idempotency";
import { logger } from "../log";
import { observeRequest } from "../monitoring/request-metrics";
import type { Context } from "./context";
import { t, TRPCError } from "./init";
import { transformer } from "./transformer";


/** Domain errors become tRPC errors with the domain code kept in error.data. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: domainErrorStatus[cause.code], message: cause.message, cause });
  }
  return result;
});

/** Request rate and latency per procedure for /api/metrics; the outcome is ok or the tRPC error code. */
const timed = t.middleware(async ({ path, type, next }) => {
  const started = performance.now();
  const result = await next();
  observeRequest(path, type, result.ok ? "ok" : result.error.code, (performance.now() - started) / 1000);
  return result;
});

const base = t.procedure.use(timed).use(mapDomainErrors);

const requireSession = t.middleware(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  const session: StaffSession = ctx.session;
  const actor: AuditActor = { type: "staff", id: session.staffId };
  return next({ ctx: { session, actor } });
});

const authed = base.use(requireSession);

function requirePermission(permission: Permission) {
  return t.middleware(async ({ ctx, path, next }) => {
    const session = ctx.session;
    if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    if (!can(session.role, permission)) {
      await recordAuditEvent(ctx.db, {
        actor: { type: "staff", id: session.staffId },
        action: "access.denied",
        outcome: "denied",
        target: { type: "procedure", id: path },
        details: { permission, role: session.role },
        request: ctx.request,
      });
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `The ${session.role} role lacks the ${permission} permission.`,
      });
    }
    return next();
  });
}

/** A rollback that carries the failed procedure result out of the transaction callback. */
class RollbackSignal extends Error {
  constructor(readonly result: unknown) {
    super("rollback");
  }
}

/**
 * A mutation whose input carries `idempotencyKey` is idempotent per caller: the key is claimed in the
 * mutation's transaction, and a repeat with the same payload replays the stored response.
 */
function idempotencyOf(rawInput: unknown, scope: string): { scope: string; key: string; hash: string } | null {
  if (typeof rawInput !== "object" || rawInput === null) return null;
  const { idempotencyKey, ...payload } = rawInput as Record<string, unknown>;
  if (typeof idempotencyKey !== "string" || !idempotencyKeyPattern.test(idempotencyKey)) return null;
  return { scope, key: idempotencyKey, hash: requestHash(payload) };
}

function replayed(stored: unknown) {
  // The shape tRPC expects from a middleware that answers without calling next().
  const data = transformer.deserialize(stored as Parameters<typeof transformer.deserialize>[0]);
  return { ok: true as const, data, marker: undefined as never };
}

/**
 * Runs the rest of the procedure in ONE database transaction and appends the audit record as the
 * last statement before commit. Failure rolls back everything; an expected (domain) failure is then
 * recorded with outcome "failed" in a transaction of its own. Bad input writes nothing at all.
 */
function auditedTransaction(action: string) {
  return t.middleware(async ({ ctx, next, path, getRawInput }) => {
    const session = ctx.session;
    if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    const actor: AuditActor = { type: "staff", id: session.staffId };
    const { audit, collected } = collectingAuditScope();
    const run = (tx: Transaction) => next({ ctx: { tx, audit } });
    type Result = Awaited<ReturnType<typeof run>>;
    const idempotency = idempotencyOf(await getRawInput(), `${path}:${session.staffId}`);
    try {
      return await ctx.db.transaction(async (tx): Promise<Result> => {
        if (idempotency) {
          const claim = await claimIdempotencyKey(tx, idempotency.scope, idempotency.key, idempotency.hash);
          if (!claim.fresh) return replayed(claim.response) as Result;
        }
        const result = await run(tx);
        if (!result.ok) throw new RollbackSignal(result);
        if (idempotency) await completeIdempotencyKey(tx, idempotency.scope, idempotency.key, transformer.serialize(result.data));
        const { target, details, extras } = collected;
        await appendAuditEvent(tx, { actor, action, outcome: "success", target, details, request: ctx.request });
        for (const extra of extras) {
          await appendAuditEvent(tx, { actor, action: extra.action, outcome: extra.outcome ?? "success", target: extra.target ?? target, details: extra.details ?? {}, request: ctx.request });
        }
        return result;
      });
    } catch (error) {
      if (!(error instanceof RollbackSignal)) throw error;
      const result = error.result as Result;
      if (!result.ok && result.error.cause instanceof DomainError) {
        await auditFailure(ctx, actor, action, collected.target, collected.details, result.error.cause, path);
      }
      return result;
    }
  });
}

async function auditFailure(
  ctx: { db: Context["db"]; request: Context["request"] },
  actor: AuditActor,
  action: string,
  target: { type: string; id: string } | null,
  details: Record<string, unknown>,
  cause: DomainError,
  path: string,
): Promise<void> {
  const outcome = domainErrorStatus[cause.code] === "FORBIDDEN" ? "denied" : "failed";
  await recordAuditEvent(ctx.db, {
    actor,
    action,
    outcome,
    target,
    details: { ...details, error: cause.code, message: cause.message },
    request: ctx.request,
  }).catch((auditError: unknown) => logger.error({ err: auditError, path }, "could not audit a failed action"));
}

/** Anyone, signed in or not. Only for procedures that reveal nothing (the sign-in page's needs). */
export const publicProcedure = base.meta({ access: "public" });

/** A read that needs a permission. */
export function query(permission: Permission) {
  return authed.meta({ access: "permission", permission }).use(requirePermission(permission));
}

/** A change that needs a permission; audited as `action` in the same transaction, by construction. */
export function mutation(permission: Permission, action: string) {
  return authed
    .meta({ access: "permission", permission, auditAction: action })
    .use(requirePermission(permission))
    .use(auditedTransaction(action));
}

/** Reads about the signed-in person themselves; every role may. */
export const selfQuery = authed.meta({ access: "authenticated" });

/** Changes to the signed-in person's own session; audited like every mutation. */
export function selfMutation(action: string) {
  return authed.meta({ access: "authenticated", auditAction: action }).use(auditedTransaction(action));
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
