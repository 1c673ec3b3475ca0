import { hash, verify } from "@node-rs/argon2";

// Argon2id (algorithm 2) with OWASP's second recommended profile: 19 MiB, 2 passes, 1 lane.
const argon2idOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export { passwordMaxLength, passwordMinLength } from "./password-rules";

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2idOptions);
}

// Verified against when the account does not exist, so both paths cost one Argon2 verification
// and response time does not reveal which emails are staff accounts.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  decoyHash ??= hashPassword("decoy-password-never-matches");
  const target = passwordHash ?? (await decoyHash);
  try {
    const matches = await verify(target, password);
    return passwordHash !== null && matches;
  } catch {
    return false;
  }
}
