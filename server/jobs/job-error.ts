import { ZodError } from "zod";
import { DomainError } from "../errors";

/**
 * A failure a job handler names itself: a stable class for the workbench's filters, a message
 * with no secrets and no personal data, and whether a later attempt could succeed.
 */
export class JobError extends Error {
  constructor(
    readonly errorClass: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "JobError";
  }
}

export interface Failure {
  errorClass: string;
  message: string;
  retryable: boolean;
}

const messageLengthMax = 500;
/**
 * Business refusals that another event still in flight can cure: the worker applies events
 * concurrently, so a withdrawal or a bet may be tried a moment before the deposit that funds it.
 * They wait like an unknown bet does, and dead-letter when the attempts run out.
 */
const retryableDomainCodes = new Set<string>(["INSUFFICIENT_FUNDS"]);
/** PostgreSQL errors worth another attempt: serialization, deadlock, lock and statement timeouts, unique races, connection loss. */
const retryableSqlStates = new Set(["40001", "40P01", "55P03", "57014", "23505", "53300", "57P01", "08000", "08003", "08006"]);

function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** A database error's own message, without the query text and parameters drizzle wraps around it. */
function safeMessage(error: Error): string {
  const inner = error.cause instanceof Error && /^Failed query/.test(error.message) ? error.cause : error;
  const message = inner.message.split("\nparams:")[0]?.replace(/^Failed query: [\s\S]*$/, "Failed query") ?? "";
  return message.slice(0, messageLengthMax);
}

/**
 * Sorts any thrown value into a Failure. Business refusals (domain errors) and invalid payloads
 * cannot be fixed by waiting: they are not retried, except the few above. Transient database and
 * network trouble is.
 */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof JobError) return { errorClass: error.errorClass, message: error.message.slice(0, messageLengthMax), retryable: error.retryable };
  if (error instanceof DomainError) return { errorClass: error.code, message: error.message.slice(0, messageLengthMax), retryable: retryableDomainCodes.has(error.code) };
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return { errorClass: "SCHEMA_INVALID", message: `${issue?.path.join(".") || "payload"}: ${issue?.message ?? "is invalid"}`.slice(0, messageLengthMax), retryable: false };
  }
  if (!(error instanceof Error)) return { errorClass: "UNKNOWN", message: "a non-error value was thrown", retryable: true };
  const state = sqlStateOf(error);
  if (state) return { errorClass: state === "57014" ? "TIMEOUT" : `SQL_${state}`, message: safeMessage(error), retryable: retryableSqlStates.has(state) };
  if (error.name === "TimeoutError" || error.name === "AbortError") return { errorClass: "TIMEOUT", message: safeMessage(error), retryable: true };
  return { errorClass: error.name && error.name !== "Error" ? error.name : "UNEXPECTED", message: safeMessage(error), retryable: true };
}
