import { sign, verify } from "node:crypto";
import { canonicalJson } from "../chain";
import type { SigningKey, TrustedKeys } from "./signing-key";

/** Names the chain in every signed message, so a signature can never be replayed for another one. */
export const checkpointChain = "countersign-audit";

/** What is signed: the RFC 8785 canonical JSON of these five members, as UTF-8. */
export interface CheckpointMessage {
  chain: typeof checkpointChain;
  hash: string;
  keyId: string;
  seq: number;
  signedAt: string;
}

export interface SignedCheckpoint {
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  /** The exact text that was signed. */
  message: string;
  /** Ed25519 signature of the message's UTF-8 bytes, base64. */
  signature: string;
}

export function signCheckpoint(key: SigningKey, head: { seq: number; hash: string }, signedAt: Date): SignedCheckpoint {
  const body: CheckpointMessage = { chain: checkpointChain, hash: head.hash, keyId: key.keyId, seq: head.seq, signedAt: signedAt.toISOString() };
  const message = canonicalJson(body);
  const signature = sign(null, Buffer.from(message, "utf8"), key.privateKey).toString("base64");
  return { seq: body.seq, hash: body.hash, signedAt: body.signedAt, keyId: body.keyId, message, signature };
}

export type CheckpointCheck =
  | { ok: true; checkpoint: SignedCheckpoint }
  | { ok: false; seq: number | null; detail: string };

const hexHash = /^[0-9a-f]{64}$/;

/**
 * Checks one checkpoint as found in a file, a bundle or the table: the message is canonical JSON
 * of the expected members, names a trusted key, its Ed25519 signature verifies with that key, and
 * any seq, hash, signedAt or keyId stored beside it says the same as the signed message (only the
 * message is signed, so a line that disagrees with it is forged).
 */
export function checkCheckpoint(candidate: unknown, keys: TrustedKeys): CheckpointCheck {
  if (typeof candidate !== "object" || candidate === null) return { ok: false, seq: null, detail: "a checkpoint must be a JSON object" };
  const entry = candidate as Record<string, unknown>;
  const claimedSeq = typeof entry.seq === "number" ? entry.seq : null;
  if (typeof entry.message !== "string" || typeof entry.signature !== "string") {
    return { ok: false, seq: claimedSeq, detail: "a checkpoint needs its signed message and signature" };
  }
  const body = parseMessage(entry.message);
  if (!body) return { ok: false, seq: claimedSeq, detail: "the signed message is not a canonical countersign-audit checkpoint" };
  const key = keys.get(body.keyId);
  if (!key) return { ok: false, seq: body.seq, detail: `checkpoint ${body.seq} is signed by key ${body.keyId}, which is not a trusted key` };
  const valid = verify(null, Buffer.from(entry.message, "utf8"), key.publicKey, Buffer.from(entry.signature, "base64"));
  if (!valid) return { ok: false, seq: body.seq, detail: `checkpoint ${body.seq}: the signature does not verify with key ${body.keyId}` };
  for (const field of ["seq", "hash", "signedAt", "keyId"] as const) {
    if (entry[field] !== undefined && entry[field] !== body[field]) {
      return { ok: false, seq: body.seq, detail: `checkpoint ${body.seq}: ${field} differs from the signed message` };
    }
  }
  return { ok: true, checkpoint: { seq: body.seq, hash: body.hash, signedAt: body.signedAt, keyId: body.keyId, message: entry.message, signature: entry.signature } };
}

function parseMessage(message: string): CheckpointMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || canonicalJson(parsed) !== message) return null;
  const body = parsed as Record<string, unknown>;
  const valid =
    Object.keys(body).length === 5 &&
    body.chain === checkpointChain &&
    typeof body.hash === "string" &&
    hexHash.test(body.hash) &&
    typeof body.keyId === "string" &&
    typeof body.seq === "number" &&
    Number.isSafeInteger(body.seq) &&
    body.seq > 0 &&
    typeof body.signedAt === "string" &&
    !Number.isNaN(Date.parse(body.signedAt));
  return valid ? (body as unknown as CheckpointMessage) : null;
}
