import { query, router } from "../trpc/procedures";
import { getAccount, getBalanceAsOf, getStatement, getTransactionDetail, searchTransactions } from "./queries";
import {
  accountView,
  balanceAsOfInput,
  balanceAsOfOutput,
  getAccountInput,
  getTransactionInput,
  searchTransactionsInput,
  statementInput,
  statementPage,
  transactionDetail,
  transactionPage,
} from "./schemas";

export const ledgerRouter = router({
  search: query("ledger.read")
    .input(searchTransactionsInput)
    .output(transactionPage)
    .query(({ ctx, input }) => searchTransactions(ctx.db, input)),

  transaction: query("ledger.read")
    .input(getTransactionInput)
    .output(transactionDetail)
    .query(({ ctx, input }) => getTransactionDetail(ctx.db, input.id)),

  account: query("ledger.read")
    .input(getAccountInput)
    .output(accountView)
    .query(({ ctx, input }) => getAccount(ctx.db, input.id)),

  statement: query("ledger.read")
    .input(statementInput)
    .output(statementPage)
    .query(({ ctx, input }) => getStatement(ctx.db, input)),

  balanceAsOf: query("ledger.read")
    .input(balanceAsOfInput)
    .output(balanceAsOfOutput)
    .query(({ ctx, input }) => getBalanceAsOf(ctx.db, input.accountId, new Date(input.at))),
});
