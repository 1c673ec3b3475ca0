import { maskDateOfBirth, maskEmail, maskName } from "../customers/mask";

const depthMax = 8;

function maskIban(iban: string): string {
  return `${"•".repeat(Math.max(4, iban.length - 4))}${iban.slice(-4)}`;
}

/** How each kind of personal field is shown to someone who may not reveal it. */
const maskers: Record<string, (value: string) => string> = {
  name: maskName,
  fullName: maskName,
  firstName: maskName,
  lastName: maskName,
  email: maskEmail,
  dateOfBirth: maskDateOfBirth,
  iban: maskIban,
  phone: (value) => `${"•".repeat(Math.max(4, value.length - 2))}${value.slice(-2)}`,
  address: () => "•••",
};

/**
 * A copy of a payload with personal data masked, the way the customer pages mask it. Keys are
 * matched wherever they appear; a personal field that is not a string is hidden entirely.
 */
export function maskPayload(value: Record<string, unknown>): Record<string, unknown> {
  return maskValue(value, 0) as Record<string, unknown>;
}

function maskValue(value: unknown, depth: number): unknown {
  if (depth > depthMax) return "…";
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const masker = maskers[key];
      if (!masker) return [key, maskValue(field, depth + 1)];
      return [key, typeof field === "string" ? masker(field) : "•••"];
    }),
  );
}

/** True when a dotted path ends in a personal field. */
export function isPersonalPath(path: string): boolean {
  return Object.hasOwn(maskers, path.split(".").at(-1) ?? "");
}
