#!/usr/bin/env node
// Verifies a Countersign audit proof bundle offline, with nothing but Node's crypto:
//   node scripts/verify-proof.mjs bundle.json [--public-key key.pem]
// Prints "OK ..." and exits 0, or prints the first failure and exits 1 (2 for bad usage).
// Pass --public-key with a key you obtained from a trusted source: the key inside the bundle only
// proves the bundle is consistent with itself. This file deliberately imports no project code.
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

const FORMAT = "countersign-audit-proof/1";
const CHAIN = "countersign-audit";
const GENESIS = "0".repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

// RFC 8785 canonical JSON for values read by JSON.parse: keys sorted by UTF-16 code units, no
// whitespace, strings and numbers exactly as JSON.stringify writes them (ECMAScript ToString).
function canonical(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
}

// hash = SHA-256( the 32 bytes of prev_hash || UTF-8 of the record's canonical JSON )
function linkHash(prevHash, record) {
  return createHash("sha256").update(Buffer.from(prevHash, "hex")).update(canonical(record), "utf8").digest("hex");
}

function check(bundle, trustedPem) {
  if (bundle?.format !== FORMAT) return `format is not ${FORMAT}`;
  const { seq, segment, checkpoint } = bundle;
  if (!Array.isArray(segment) || segment.length === 0) return "the bundle has no chain segment";
  if (canonical(bundle.record) !== canonical(segment[0].record)) return "record differs from the first record of the segment";
  if (bundle.hash !== segment[0].hash) return "hash differs from the first hash of the segment";
  let previous = null;
  for (const [index, link] of segment.entries()) {
    const at = seq + index;
    if (link.record?.seq !== at) return `segment[${index}]: expected seq ${at}, found ${link.record?.seq}`;
    if (!HEX64.test(link.prevHash) || !HEX64.test(link.hash)) return `seq ${at}: prev_hash and hash must be 64 hex digits`;
    if (at === 1 && link.prevHash !== GENESIS) return "seq 1 must link to 64 zeros";
    if (previous !== null && link.prevHash !== previous) return `seq ${at}: prev_hash does not equal the hash of seq ${at - 1}`;
    if (linkHash(link.prevHash, link.record) !== link.hash) return `seq ${at}: hash does not match the record's contents`;
    previous = link.hash;
  }
  const last = segment[segment.length - 1];
  let message;
  try {
    message = JSON.parse(checkpoint.message);
  } catch {
    return "the checkpoint message is not JSON";
  }
  if (canonical(message) !== checkpoint.message || message.chain !== CHAIN) return "the checkpoint message is not a canonical countersign-audit checkpoint";
  for (const field of ["seq", "hash", "signedAt", "keyId"]) {
    if (checkpoint[field] !== message[field]) return `checkpoint ${field} differs from the signed message`;
  }
  if (message.seq !== last.record.seq || message.hash !== last.hash) return `the segment ends at seq ${last.record.seq}, but the signed checkpoint is for seq ${message.seq} with another hash`;
  const publicKey = createPublicKey(trustedPem ?? bundle.publicKey?.pem ?? "");
  const keyId = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
  if (message.keyId !== keyId) return `the checkpoint is signed by key ${message.keyId}, not by the ${trustedPem ? "given" : "bundled"} key ${keyId}`;
  if (!verify(null, Buffer.from(checkpoint.message, "utf8"), publicKey, Buffer.from(checkpoint.signature, "base64"))) return "the checkpoint signature does not verify";
  return null;
}

const args = process.argv.slice(2);
const keyFlag = args.indexOf("--public-key");
const keyPath = keyFlag >= 0 ? args.splice(keyFlag, 2)[1] : undefined;
if (args.length !== 1 || (keyFlag >= 0 && !keyPath)) {
  console.error("usage: node scripts/verify-proof.mjs bundle.json [--public-key key.pem]");
  process.exit(2);
}
let failure;
let bundle;
try {
  bundle = JSON.parse(readFileSync(args[0], "utf8"));
  failure = check(bundle, keyPath ? readFileSync(keyPath, "utf8") : undefined);
} catch (error) {
  failure = `cannot verify: ${error instanceof Error ? error.message : String(error)}`;
}
if (failure) {
  console.log(`FAILED: ${failure}`);
  process.exit(1);
}
const { seq, checkpoint, segment } = bundle;
console.log(`OK: audit record ${seq} is in the chain signed at seq ${segment.at(-1).record.seq} (${JSON.parse(checkpoint.message).signedAt}, key ${JSON.parse(checkpoint.message).keyId})${keyPath ? "" : "; key taken from the bundle, pass --public-key to check it against a trusted copy"}`);
