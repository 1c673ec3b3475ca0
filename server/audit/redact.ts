/**
 * Audit details are kept forever and read by many roles, so personal data never goes into them.
 * Known personal or secret keys are replaced before hashing; callers refer to people by id.
 */
const secretKeys = /^(password|passwordHash|secret|token|otp|totp|authorization|cookie)$/i;
const personalKeys = /^(email|name|fullName|firstName|lastName|displayName|dateOfBirth|dob|phone|address|iban|country)$/i;

export function redactDetails(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[depth limit]";
  if (Array.isArray(value)) return value.slice(0, 200).map((item) => redactDetails(item, depth + 1));
  if (value === null || typeof value !== "object") return sanitizeScalar(value);
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (secretKeys.test(key)) result[key] = "[secret]";
    else if (personalKeys.test(key)) result[key] = "[redacted]";
    else result[key] = redactDetails(item, depth + 1);
  }
  return result;
}

function sanitizeScalar(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/\u0000/g, "").slice(0, 2000);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean" || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
