import type { Transaction } from "@/db/client";
import type { AuditScope } from "../audit/audit-scope";
import type { ReconDefaults } from "./defaults";
import { dryRun, recordRun, resolveParameters } from "./run-reconciliation";
import type { RunParametersInput } from "./schemas";

/** A recorded run on demand: the run, its matches, differences and exceptions, audited in one transaction. */
export async function startRun(tx: Transaction, audit: AuditScope, staffId: string, input: RunParametersInput, defaults: ReconDefaults) {
  const parameters = await resolveParameters(tx, input, defaults);
  const result = await recordRun(tx, { parameters, trigger: "manual", requestedBy: staffId });
  audit.target("recon_run", result.runId);
  audit.details({ scope: parameters.scope, provider: parameters.provider, importIds: parameters.importIds, status: result.status, differences: result.summary?.differences ?? null, exceptionsOpened: result.exceptionsOpened, failureReason: result.failureReason });
  return result;
}

/** What a run would find, without recording a run, differences or exceptions; the request itself is audited. */
export async function startDryRun(tx: Transaction, audit: AuditScope, input: RunParametersInput, defaults: ReconDefaults) {
  const parameters = await resolveParameters(tx, input, defaults);
  const result = await dryRun(tx, parameters);
  audit.target("recon_dry_run", parameters.scope);
  audit.details({ scope: parameters.scope, provider: parameters.provider, importIds: parameters.importIds, differences: result.summary.differences });
  return { parameters, ...result };
}
