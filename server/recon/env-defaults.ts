import "server-only";
import { reconEnvSchema } from "../env";
import type { ReconDefaults } from "./defaults";

/** The run defaults from RECON_* variables (validated at start-up with the rest of the environment). */
export function reconDefaultsFromEnv(): ReconDefaults {
  const config = reconEnvSchema.parse(process.env);
  return {
    dateWindowDays: config.RECON_DATE_WINDOW_DAYS,
    amountTolerance: config.RECON_AMOUNT_TOLERANCE,
    stuckPaymentMinutes: config.RECON_STUCK_PAYMENT_MINUTES,
    stuckWithdrawalMinutes: config.RECON_STUCK_WITHDRAWAL_MINUTES,
    statementLookbackDays: config.RECON_STATEMENT_LOOKBACK_DAYS,
  };
}
