import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkCheckpoint, signCheckpoint } from "./checkpoint-message";
import { generateSigningKeyText, parsePublicKey, parseSigningKey, trustedKeys } from "./signing-key";

describe("AUDIT_SIGNING_KEY formats", () => {
  it("reads the same key from PKCS#8 PEM and from the base64 of its DER bytes", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const fromPem = parseSigningKey(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const fromDer = parseSigningKey(privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"));
    const spki = publicKey.export({ type: "spki", format: "der" });
    expect(fromPem.keyId).toBe(createHash("sha256").update(spki).digest("hex").slice(0, 16));
    expect(fromDer.keyId).toBe(fromPem.keyId);
    expect(parsePublicKey(fromPem.publicKeyPem).keyId).toBe(fromPem.keyId);
    expect(parsePublicKey(spki.toString("base64")).keyId).toBe(fromPem.keyId);
  });

  it("refuses other key types and garbage without repeating the key material", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => parseSigningKey(rsa)).toThrow("must be an Ed25519 key");
    const garbage = "c2VjcmV0LWJ1dC1ub3QtYS1rZXk=";
    let message = "";
    try {
      parseSigningKey(garbage);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PKCS#8/);
    expect(message).not.toContain(garbage);
    expect(() => parsePublicKey("not a key")).toThrow(/SPKI/);
  });

  it("a checkpoint verifies only with its own key and only unaltered", () => {
    const key = parseSigningKey(generateSigningKeyText());
    const other = parseSigningKey(generateSigningKeyText());
    const checkpoint = signCheckpoint(key, { seq: 42, hash: "ab".repeat(32) }, new Date("2026-11-21T22:00:00.000Z"));
    expect(checkpoint.message).toBe(`{"chain":"countersign-audit","hash":"${"ab".repeat(32)}","keyId":"${key.keyId}","seq":42,"signedAt":"2026-11-21T22:00:00.000Z"}`);
    expect(checkCheckpoint(checkpoint, trustedKeys([key]))).toMatchObject({ ok: true });
    expect(checkCheckpoint(checkpoint, trustedKeys([other]))).toMatchObject({ ok: false, detail: expect.stringContaining("not a trusted key") });
    const reworded = { ...checkpoint, message: checkpoint.message.replace('"seq":42', '"seq":43'), seq: 43 };
    expect(checkCheckpoint(reworded, trustedKeys([key]))).toMatchObject({ ok: false, detail: expect.stringContaining("signature does not verify") });
    const spaced = { ...checkpoint, message: checkpoint.message.replace(",", ", ") };
    expect(checkCheckpoint(spaced, trustedKeys([key]))).toMatchObject({ ok: false, detail: expect.stringContaining("not a canonical") });
  });
});
