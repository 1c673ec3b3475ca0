/**
 * Integrity-monitor fixtures: a fresh customer whose wallet's cached balance is made to disagree
 * with its entries, as only the database owner can (the application role cannot write that).
 */
import postgres from "postgres";
import { connectDatabase } from "../../db/client";
import { createCustomer } from "../../server/customers/create-customer";
import { uniqueSuffix } from "./data";
import { readInstance } from "./instance";

export interface TamperedWallet {
  accountId: string;
  restore: () => Promise<void>;
}

export async function tamperedWallet(): Promise<TamperedWallet> {
  const instance = readInstance();
  if (!instance.ownerUrl) throw new Error("the e2e instance does not publish its owner URL");
  const suffix = uniqueSuffix();
  const app = connectDatabase(instance.appUrl, { maxConnections: 1, applicationName: "countersign-e2e" });
  let accountId: string;
  try {
    const created = await app.db.transaction((tx) =>
      createCustomer(tx, {
        externalRef: `e2e-mismatch-${suffix}`,
        pii: { fullName: "Mary Jackson", email: `e2e-mismatch-${suffix}@example.com`, dateOfBirth: "1921-04-09", country: "US" },
        walletCurrencies: ["EUR"],
      }),
    );
    const wallet = created.walletIds.EUR;
    if (!wallet) throw new Error("no EUR wallet");
    accountId = wallet;
  } finally {
    await app.close();
  }
  const owner = postgres(instance.ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    await owner`update account_balances set balance = balance + 25.00 where account_id = ${accountId}`;
  } finally {
    await owner.end({ timeout: 2 });
  }
  return {
    accountId,
    restore: async () => {
      const fix = postgres(instance.ownerUrl ?? "", { max: 1, onnotice: () => undefined });
      try {
        await fix`update account_balances set balance = balance - 25.00 where account_id = ${accountId}`;
      } finally {
        await fix.end({ timeout: 2 });
      }
    },
  };
}
