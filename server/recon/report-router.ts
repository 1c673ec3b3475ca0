import { query, router } from "../trpc/procedures";
import { differenceFacets, differencesByDay, listDifferences, reportSummaryOf, runHeaderOf } from "./report-queries";
import { chartOutput, differenceListInput, differencePage, facetsOutput, reportSummary, runHeader, runInput } from "./report-schemas";

/** The run report: header, summary, chart and drill-down. Read-only; the CSV export is a route handler. */
export const reconReportRouter = router({
  run: query("recon.read")
    .input(runInput)
    .output(runHeader)
    .query(({ ctx, input }) => runHeaderOf(ctx.db, input.runId)),

  summary: query("recon.read")
    .input(runInput)
    .output(reportSummary)
    .query(({ ctx, input }) => reportSummaryOf(ctx.db, input.runId)),

  chart: query("recon.read")
    .input(runInput)
    .output(chartOutput)
    .query(({ ctx, input }) => differencesByDay(ctx.db, input.runId)),

  differences: query("recon.read")
    .input(differenceListInput)
    .output(differencePage)
    .query(({ ctx, input }) => listDifferences(ctx.db, input)),

  facets: query("recon.read")
    .input(runInput)
    .output(facetsOutput)
    .query(({ ctx, input }) => differenceFacets(ctx.db, input.runId)),
});
