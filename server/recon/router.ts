import { z } from "zod";
import { mutation, query, router } from "../trpc/procedures";
import { reconDefaultsFromEnv } from "./env-defaults";
import { statementBytesMax, statementFormats, statementRowsMax, providerFormats } from "./formats";
import { reconExceptionsRouter } from "./exceptions-router";
import { compareRuns, getImport, getRun, listImports, listRuns } from "./queries";
import { compareInput, dryRunInput, idInput, listImportsInput, listRunsInput, startRunInput } from "./schemas";
import { reconReportRouter } from "./report-router";
import { startDryRun, startRun } from "./start-run";

const noInput = z.strictObject({}).optional();

function withoutKey<T extends { idempotencyKey: string }>(input: T): Omit<T, "idempotencyKey"> {
  const copy: Partial<T> = { ...input };
  delete copy.idempotencyKey;
  return copy as Omit<T, "idempotencyKey">;
}

export const reconRouter = router({
  imports: router({
    list: query("recon.read")
      .input(listImportsInput)
      .query(({ ctx, input }) => listImports(ctx.db, input ?? { limit: 50 })),
    get: query("recon.read")
      .input(idInput)
      .query(({ ctx, input }) => getImport(ctx.db, input.id)),
    /** The formats, the provider mapping and the limits, as the upload page states them. */
    formats: query("recon.read")
      .input(noInput)
      .query(() => ({
        formats: statementFormats,
        providers: Object.entries(providerFormats).map(([provider, format]) => ({ provider, format: format.id })),
        bytesMax: statementBytesMax,
        rowsMax: statementRowsMax,
      })),
  }),
  runs: router({
    list: query("recon.read")
      .input(listRunsInput)
      .query(({ ctx, input }) => listRuns(ctx.db, input ?? { limit: 50 })),
    get: query("recon.read")
      .input(idInput)
      .query(({ ctx, input }) => getRun(ctx.db, input.id)),
    compare: query("recon.read")
      .input(compareInput)
      .query(({ ctx, input }) => compareRuns(ctx.db, input.a, input.b)),
    start: mutation("recon.run", "recon.run_recorded")
      .input(startRunInput)
      // The builder claims input.idempotencyKey; the key is not a run parameter.
      .mutation(({ ctx, input }) => startRun(ctx.tx, ctx.audit, ctx.session.staffId, withoutKey(input), reconDefaultsFromEnv())),
    dryRun: mutation("recon.run", "recon.dry_run")
      .input(dryRunInput)
      .mutation(({ ctx, input }) => startDryRun(ctx.tx, ctx.audit, input, reconDefaultsFromEnv())),
  }),
  report: reconReportRouter,
  exceptions: reconExceptionsRouter,
});
