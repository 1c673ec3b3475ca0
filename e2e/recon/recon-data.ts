/**
 * Per-test reconciliation data: a completed run with a difference of every class and their open
 * exceptions, on a wallet of its own, written as the application role (as the matching engine would).
 */
import { desc, eq } from "drizzle-orm";
import { connectDatabase } from "../../db/client";
import { ledgerEntries } from "../../db/schema";
import { insertSampleRun } from "../../server/recon/sample-run";
import { fundedWallet } from "../support/data";
import { readInstance } from "../support/instance";

export async function reconRunWithExceptions(uploadedBy: string) {
  const wallet = await fundedWallet("500.00");
  const handle = connectDatabase(readInstance().appUrl, { maxConnections: 1, applicationName: "countersign-e2e" });
  try {
    const [deposit] = await handle.db.select({ transactionId: ledgerEntries.transactionId }).from(ledgerEntries).where(eq(ledgerEntries.accountId, wallet.accountId)).orderBy(desc(ledgerEntries.transactionId)).limit(1);
    if (!deposit) throw new Error("the funded wallet has its deposit");
    const run = await handle.db.transaction((tx) => insertSampleRun(tx, { accountId: wallet.accountId, transactionId: deposit.transactionId, uploadedBy }));
    return { ...run, wallet };
  } finally {
    await handle.close();
  }
}
