import { randomInt } from "node:crypto";
import { connectDatabase } from "../../db/client";
import { generateSampleStatement, type SampleManifest } from "../../server/recon/sample-statement";
import { readInstance } from "./instance";

/** A statement consistent with the instance's demo ledger, with one of each difference injected (a fresh seed each time). */
export async function sampleStatementFromDemo(provider = "acmepay"): Promise<{ csv: string; lines: number; manifest: SampleManifest }> {
  const handle = connectDatabase(readInstance().appUrl, { maxConnections: 1, applicationName: "countersign-e2e" });
  try {
    const { csv, manifest } = await generateSampleStatement(handle.db, { seed: randomInt(1_000_000, 2_000_000_000), provider, days: 14, inject: 1 });
    return { csv, lines: manifest.lines, manifest };
  } finally {
    await handle.close();
  }
}
