import "server-only";
import { approvalsRouter } from "../approvals/router";
import { auditRouter } from "../audit/router";
import { authRouter } from "../auth/router";
import { customersRouter } from "../customers/router";
import { deadLettersRouter } from "../deadletters/router";
import { ledgerRouter } from "../ledger/router";
import { monitoringRouter } from "../monitoring/router";
import { reconRouter } from "../recon/router";
import { staffRouter } from "../staff/router";
import { createCallerFactory, router } from "./procedures";

export const appRouter = router({
  auth: authRouter,
  audit: auditRouter,
  staff: staffRouter,
  ledger: ledgerRouter,
  customers: customersRouter,
  approvals: approvalsRouter,
  deadLetters: deadLettersRouter,
  monitoring: monitoringRouter,
  recon: reconRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
