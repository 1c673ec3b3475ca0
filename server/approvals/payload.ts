import { canonicalJson } from "../audit/chain";
import { createHash } from "node:crypto";

/**
 * The exact thing a checker approves: a canonical JSON object whose SHA-256 the approval binds to.
 * Amounts are the maker's decimal strings, normalised to the currency's exponent, so the bytes
 * approved are the bytes executed.
 */
export function payloadHash(payload: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(payload), "utf8").digest("hex");
}
