import { appendFile } from "node:fs/promises";
import type { SignedCheckpoint } from "./checkpoint-message";

export interface CheckpointExportTargets {
  /** A file that receives one JSON line per checkpoint (append only). */
  file?: string;
  /** A URL that receives each checkpoint as a JSON POST. */
  url?: string;
}

export interface CheckpointExportResult {
  /** Where the checkpoint was written, comma separated; null when nowhere. */
  exportedTo: string | null;
  failures: { target: string; error: string }[];
}

const postAttempts = 3;
const postTimeoutMs = 5_000;
const backoffBaseMs = 500;

/** The JSON line written to the file and the body POSTed to the URL. */
export function checkpointLine(checkpoint: SignedCheckpoint): string {
  const { seq, hash, signedAt, keyId, message, signature } = checkpoint;
  return JSON.stringify({ seq, hash, signedAt, keyId, message, signature });
}

/**
 * Writes a checkpoint to the configured places outside the database. Never throws: a failure is
 * returned (the caller logs and counts it) and never stops the checkpoint from being recorded.
 * The POST is tried up to three times (exponential backoff with full jitter, 5 s timeout each);
 * any 2xx is success, anything else or no answer is a failure.
 */
export async function exportCheckpoint(checkpoint: SignedCheckpoint, targets: CheckpointExportTargets): Promise<CheckpointExportResult> {
  const line = checkpointLine(checkpoint);
  const written: string[] = [];
  const failures: CheckpointExportResult["failures"] = [];
  if (targets.file) {
    try {
      await appendFile(targets.file, `${line}\n`, { encoding: "utf8", mode: 0o644 });
      written.push(targets.file);
    } catch (error) {
      failures.push({ target: targets.file, error: describe(error) });
    }
  }
  if (targets.url) {
    const error = await postWithRetries(targets.url, line);
    if (error) failures.push({ target: targets.url, error });
    else written.push(targets.url);
  }
  return { exportedTo: written.length > 0 ? written.join(", ") : null, failures };
}

async function postWithRetries(url: string, body: string): Promise<string | null> {
  let last = "not attempted";
  for (let attempt = 0; attempt < postAttempts; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * backoffBaseMs * 2 ** attempt));
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(postTimeoutMs) });
      await response.body?.cancel();
      if (response.ok) return null;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = describe(error);
    }
  }
  return `${last} after ${postAttempts} attempts`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : String(error);
}
