import "server-only";
import pino from "pino";

// Keys whose values never reach a log line, wherever they appear in a logged object.
const redactedKeys = [
  "password", "passwordHash", "secret", "token", "authorization", "cookie", "email", "name",
  "fullName", "firstName", "lastName", "dateOfBirth", "phone", "address", "iban", "body", "payload",
  "params", "query",
];

/**
 * Errors are logged by class, code and message only. Database errors carry the query and its
 * parameters (which can hold personal data) in their message and fields: those are cut.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const message = error.message.split("\nparams:")[0]?.replace(/^Failed query: [\s\S]*$/, "Failed query") ?? "";
  const code = (error as { code?: unknown }).code;
  return {
    type: error.constructor.name,
    message: message.slice(0, 500),
    ...(typeof code === "string" ? { code } : {}),
    ...(error.cause && depth < 3 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.COUNTERSIGN_PROCESS ?? "web" },
  serializers: { err: serializeError },
  redact: {
    paths: [...redactedKeys, ...redactedKeys.map((key) => `*.${key}`), ...redactedKeys.map((key) => `*.*.${key}`)],
    censor: "[redacted]",
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});
