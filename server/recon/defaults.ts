/** Default run parameters; the app reads them from the environment (reconDefaultsFromEnv). */
export interface ReconDefaults {
  dateWindowDays: number;
  amountTolerance: string;
  stuckPaymentMinutes: number;
  stuckWithdrawalMinutes: number;
  /** Scheduled and default runs compare the accepted statements whose period ends within this many days. */
  statementLookbackDays: number;
}

export const builtInReconDefaults: ReconDefaults = {
  dateWindowDays: 2,
  amountTolerance: "0",
  stuckPaymentMinutes: 60,
  stuckWithdrawalMinutes: 240,
  statementLookbackDays: 7,
};
