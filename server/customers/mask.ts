/**
 * Personal data as a person without pii.reveal sees it: enough to confirm "is this the caller?"
 * against what they say, not enough to learn it.
 */
export function maskName(fullName: string): string {
  return fullName
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part.slice(0, 1)}${"•".repeat(Math.max(2, Math.min(part.length - 1, 6)))}`)
    .join(" ");
}

export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  const [host = "", ...rest] = domain.split(".");
  return `${local.slice(0, 1)}•••@${host.slice(0, 1)}•••${rest.length > 0 ? `.${rest.join(".")}` : ""}`;
}

/** Only the year stays visible. */
export function maskDateOfBirth(dateOfBirth: string): string {
  return `${dateOfBirth.slice(0, 4)}-••-••`;
}
