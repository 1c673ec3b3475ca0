import { count, monitorPage, type MonitorDefinition } from "./types";

/**
 * The ledger monitors share one run of verifyLedger (the same checks as `npm run ledger:verify`).
 * It scans every entry: a few hundred milliseconds at the demo scale, seconds at a million
 * transactions, a minute at ten million, so the worker's every-minute checks reuse one for
 * LEDGER_VERIFY_INTERVAL_SECONDS (an operator's "Check now" verifies afresh); each reading says
 * when its verification ran. Each list it returns is capped at 100 rows, so a count of 100 means
 * "100 or more".
 */
export const ledgerMonitors: MonitorDefinition[] = [
  {
    key: "ledger.balance_mismatches",
    group: "ledger",
    title: "Cached balance mismatches",
    description: "Accounts whose cached balance or entry count differs from the sum of their ledger entries.",
    unit: "count",
    defaults: { warning: "1", critical: "1", direction: "above", params: {} },
    params: {},
    async measure({ shared }) {
      const { balanceMismatches: mismatches, verifiedAt } = await shared.ledger();
      const first = mismatches[0];
      return {
        value: count(mismatches.length),
        summary: mismatches.length === 0 ? "Every cached balance equals its entries." : `${mismatches.length === 100 ? "100 or more" : mismatches.length} account(s) whose cached balance differs from its entries.`,
        details: { capped: mismatches.length === 100, accounts: mismatches.slice(0, 20), verifiedAt },
        evidenceHref: mismatches.length === 1 && first ? `/accounts/${first.accountId}` : mismatches.length > 1 ? monitorPage("ledger.balance_mismatches") : null,
      };
    },
  },
  {
    key: "ledger.trial_balance",
    group: "ledger",
    title: "Trial balance off zero",
    description: "Currencies whose ledger entries do not sum to zero.",
    unit: "count",
    defaults: { warning: "1", critical: "1", direction: "above", params: {} },
    params: {},
    async measure({ shared }) {
      const { trialBalance: trial, verifiedAt } = await shared.ledger();
      const off = trial.filter((row) => !/^-?0(\.0+)?$/.test(row.sum));
      return {
        value: count(off.length),
        summary: off.length === 0 ? `Trial balance is zero in all ${trial.length} currencies.` : `Trial balance off zero in ${off.map((row) => `${row.currency} (${row.sum})`).join(", ")}.`,
        details: { currencies: trial, verifiedAt },
        evidenceHref: off.length > 0 ? monitorPage("ledger.trial_balance") : null,
      };
    },
  },
  {
    key: "ledger.unbalanced_transactions",
    group: "ledger",
    title: "Transactions failing the balance check",
    description: "Transactions whose entries do not sum to zero per currency, or that have fewer than two entries.",
    unit: "count",
    defaults: { warning: "1", critical: "1", direction: "above", params: {} },
    params: {},
    async measure({ shared }) {
      const result = await shared.ledger();
      const failing = result.unbalancedTransactions.length + result.transactionsWithTooFewEntries.length;
      const first = result.unbalancedTransactions[0]?.transactionId ?? result.transactionsWithTooFewEntries[0]?.transactionId;
      return {
        value: count(failing),
        summary: failing === 0 ? `All ${result.transactions} transactions balance.` : `${failing} transaction(s) fail the balance check.`,
        details: { unbalanced: result.unbalancedTransactions.slice(0, 20), tooFewEntries: result.transactionsWithTooFewEntries.slice(0, 20), transactions: result.transactions, verifiedAt: result.verifiedAt },
        evidenceHref: failing === 1 && first ? `/transactions/${first}` : failing > 1 ? monitorPage("ledger.unbalanced_transactions") : null,
      };
    },
  },
];
