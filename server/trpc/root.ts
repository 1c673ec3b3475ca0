import "server-only";
import { auditRouter } from "../audit/router";
import { authRouter } from "../auth/router";
import { staffRouter } from "../staff/router";
import { createCallerFactory, router } from "./procedures";

export const appRouter = router({
  auth: authRouter,
  audit: auditRouter,
  staff: staffRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
