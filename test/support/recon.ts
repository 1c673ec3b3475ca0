import type postgres from "postgres";
import type { Database } from "../../db/client";
import { createCustomer } from "../../server/customers/create-customer";
import { systemAccount } from "../../server/ledger/open-account";
import { postTransaction } from "../../server/ledger/post-transaction";
import { MoneyDecimal } from "../../server/money";
import type { StatementLineInput } from "../../server/recon/read-statement";
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

/**
 * The lines an import stored, as the statement reader's lines read them back: the same fields in
 * the same order, amounts compared as decimals (NUMERIC(38, 18) pads the scale). Empty when they agree.
 */
export async function storedLinesDiffer(owner: postgres.Sql, importId: string, expected: StatementLineInput[]): Promise<unknown[]> {
  const stored = await owner`
    select line_no, reference, kind::text, status, amount::text, currency, booked_on::text, covers, description
      from statement_lines where import_id = ${importId} order by line_no`;
  const differences: unknown[] = [];
  if (stored.length !== expected.length) differences.push({ stored: stored.length, expected: expected.length });
  stored.forEach((line, index) => {
    const want = expected[index];
    const same =
      want !== undefined &&
      [line.line_no, line.reference, line.kind, line.status, line.currency, line.booked_on, line.covers, line.description].join("\u0000") ===
        [want.lineNo, want.reference, want.kind, want.status, want.currency, want.bookedOn, want.covers, want.description].join("\u0000") &&
      new MoneyDecimal(String(line.amount)).equals(want.amount);
    if (!same) differences.push({ stored: line, expected: want });
  });
  return differences;
}
