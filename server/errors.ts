/**
 * Expected failures: a stable code the client can branch on and a message a person can act on.
 * Anything else that is thrown is a programmer error and becomes a 500 without details.
 */
export const domainErrorStatus = {
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  CONFLICT: "CONFLICT",
  IDEMPOTENCY_CONFLICT: "UNPROCESSABLE_CONTENT",
  IDEMPOTENCY_IN_FLIGHT: "CONFLICT",
  VALIDATION: "BAD_REQUEST",
  EMAIL_TAKEN: "CONFLICT",
  SELF_CHANGE_FORBIDDEN: "FORBIDDEN",
  LAST_ADMIN: "CONFLICT",
  THROTTLED: "TOO_MANY_REQUESTS",
  INVALID_AMOUNT: "BAD_REQUEST",
  UNKNOWN_CURRENCY: "BAD_REQUEST",
  PRECISION_EXCEEDED: "BAD_REQUEST",
  INVALID_ALLOCATION: "BAD_REQUEST",
  UNBALANCED: "BAD_REQUEST",
  INSUFFICIENT_FUNDS: "UNPROCESSABLE_CONTENT",
  ACCOUNT_NOT_OPEN: "CONFLICT",
  ALREADY_REVERSED: "CONFLICT",
  NOT_REVERSIBLE: "CONFLICT",
  SELF_APPROVAL_FORBIDDEN: "FORBIDDEN",
  ALREADY_DECIDED: "CONFLICT",
  NOT_PENDING: "CONFLICT",
  REQUEST_EXPIRED: "CONFLICT",
  PAYLOAD_MISMATCH: "CONFLICT",
  ROLE_NOT_ALLOWED: "FORBIDDEN",
  DUPLICATE_PENDING: "CONFLICT",
  DAILY_CAP_EXCEEDED: "UNPROCESSABLE_CONTENT",
  NOT_MAKER: "FORBIDDEN",
  NOT_DEAD: "CONFLICT",
  EDIT_PENDING: "CONFLICT",
  TOO_MANY_MATCHES: "UNPROCESSABLE_CONTENT",
} as const;

export type DomainErrorCode = keyof typeof domainErrorStatus;

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The input field the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(code: DomainErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DomainError";
    this.code = code;
    this.field = options.field;
  }
}

/** For invariants that cannot fail unless the code is wrong. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
