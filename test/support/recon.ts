import type { Database } from "../../db/client";
import { createCustomer } from "../../server/customers/create-customer";
import { systemAccount } from "../../server/ledger/open-account";
import { postTransaction } from "../../server/ledger/post-transaction";
import { MoneyDecimal } from "../../server/money";
import { insertSampleRun, type SampleRunOptions } from "../../server/recon/sample-run";

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${(counter += 1)}`;

/** A customer's EUR wallet with a deposit on it: the account and transaction a recon difference points at. */
export async function fundedEurWallet(db: Database, balance = "500.00") {
  return db.transaction(async (tx) => {
    const clearing = await systemAccount(tx, "provider_clearing", "EUR");
    const customer = await createCustomer(tx, {
      externalRef: unique("recon"),
      pii: { fullName: "Recon Customer", email: `${unique("recon")}@example.com`, dateOfBirth: "1988-02-03", country: "GB" },
      walletCurrencies: ["EUR"],
    });
    const wallet = customer.walletIds.EUR ?? "";
    const posted = await postTransaction(tx, {
      idempotencyKey: unique("recon-deposit"),
      kind: "deposit",
      initiator: { type: "service", id: "test" },
      occurredAt: new Date(),
      entries: [
        { accountId: clearing.id, amount: new MoneyDecimal(balance) },
        { accountId: wallet, amount: new MoneyDecimal(balance).negated() },
      ],
    });
    return { accountId: wallet, transactionId: posted.transactionId };
  });
}

/** A completed run with a difference (and open exception) of every class, on a fresh funded wallet. */
export async function sampleRun(db: Database, uploadedBy: string, options: Partial<SampleRunOptions> = {}) {
  const wallet = await fundedEurWallet(db);
  const run = await db.transaction((tx) => insertSampleRun(tx, { ...wallet, uploadedBy, ...options }));
  return { ...run, ...wallet };
}
