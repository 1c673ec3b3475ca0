import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/**
 * The Ed25519 key that signs audit checkpoints. AUDIT_SIGNING_KEY holds the private key as PKCS#8:
 * either PEM ("-----BEGIN PRIVATE KEY-----") or the base64 of its DER bytes (one line, which is
 * easier to keep in an environment variable). The key id is the first 16 hex digits of the SHA-256
 * of the public key's SPKI DER bytes, the same fingerprint verify-proof.mjs computes.
 */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

export interface TrustedKey {
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

const pemPrivateKey = /^-----BEGIN PRIVATE KEY-----/;
const pemPublicKey = /^-----BEGIN PUBLIC KEY-----/;
const base64Text = /^[A-Za-z0-9+/]+={0,2}$/;

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

function trusted(publicKey: KeyObject): TrustedKey {
  if (publicKey.asymmetricKeyType !== "ed25519") throw new Error("is not an Ed25519 key");
  return { publicKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), keyId: keyIdOf(publicKey) };
}

/** Parses AUDIT_SIGNING_KEY. Errors never include the key material. */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  let privateKey: KeyObject;
  try {
    privateKey = pemPrivateKey.test(trimmed)
      ? createPrivateKey({ key: trimmed, format: "pem" })
      : createPrivateKey({ key: decodeBase64(trimmed), format: "der", type: "pkcs8" });
  } catch {
    throw new Error("must be an Ed25519 private key as PKCS#8 PEM or the base64 of its DER bytes");
  }
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("must be an Ed25519 key");
  return { privateKey, ...trusted(createPublicKey(privateKey)) };
}

/** A trusted public key: SPKI PEM, or the base64 of its DER bytes. */
export function parsePublicKey(text: string): TrustedKey {
  const trimmed = text.trim();
  let publicKey: KeyObject;
  try {
    publicKey = pemPublicKey.test(trimmed)
      ? createPublicKey({ key: trimmed, format: "pem" })
      : createPublicKey({ key: decodeBase64(trimmed), format: "der", type: "spki" });
  } catch {
    throw new Error("must be an Ed25519 public key as SPKI PEM or the base64 of its DER bytes");
  }
  return trusted(publicKey);
}

function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (!base64Text.test(compact)) throw new Error("not base64");
  return Buffer.from(compact, "base64");
}

/** A fresh key in the one-line form AUDIT_SIGNING_KEY accepts (base64 of PKCS#8 DER). */
export function generateSigningKeyText(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  return privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
}

/** The keys a verifier trusts, by key id. */
export type TrustedKeys = ReadonlyMap<string, TrustedKey>;

export function trustedKeys(keys: readonly TrustedKey[]): TrustedKeys {
  return new Map(keys.map((key) => [key.keyId, key]));
}
