import { z } from "zod";
import { eq } from "drizzle-orm";
import { deadLetterEdits } from "@/db/schema";
import { mutation, query, router } from "../trpc/procedures";
import { decideEdit } from "./decide-edit";
import { discardDeadLetter } from "./discard-dead-letter";
import { proposeEdit } from "./propose-edit";
import { pipelineHealth } from "./pipeline-health";
import { countDeadLetters, deadLetterFacets, getDeadLetterDetail, listDeadLetters, listEdits, listReplayBatches, replayProgress } from "./queries";
import { replayDeadLetter } from "./replay-dead-letter";
import { cancelReplay, replayDeadLetters } from "./replay-dead-letters";
import {
  batchInput,
  batchView,
  countsInput,
  countsOutput,
  decideEditInput,
  detailOutput,
  discardInput,
  editView,
  facetsOutput,
  healthOutput,
  idInput,
  listInput,
  listOutput,
  progressOutput,
  proposeEditInput,
  replayManyInput,
  replayOutput,
} from "./schemas";

const noInput = z.strictObject({}).optional();

export const deadLettersRouter = router({
  list: query("deadletter.read")
    .input(listInput)
    .output(listOutput)
    .query(({ ctx, input }) => listDeadLetters(ctx.db, input)),

  counts: query("deadletter.read")
    .input(countsInput)
    .output(countsOutput)
    .query(({ ctx, input }) => countDeadLetters(ctx.db, input ?? {})),

  facets: query("deadletter.read")
    .input(noInput)
    .output(facetsOutput)
    .query(({ ctx }) => deadLetterFacets(ctx.db)),

  get: query("deadletter.read")
    .input(idInput)
    .output(detailOutput)
    .query(({ ctx, input }) => getDeadLetterDetail(ctx.db, input.id)),

  replay: mutation("deadletter.replay", "deadletter.replay")
    .input(idInput)
    .output(replayOutput)
    .mutation(({ ctx, input }) => replayDeadLetter(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  replayMany: mutation("deadletter.replay", "deadletter.replay_many")
    .input(replayManyInput)
    .output(z.object({ batchId: z.uuid(), total: z.number().int() }))
    .mutation(({ ctx, input }) => replayDeadLetters(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  replayProgress: query("deadletter.read")
    .input(batchInput)
    .output(progressOutput)
    .query(({ ctx, input }) => replayProgress(ctx.db, input.batchId)),

  replayBatches: query("deadletter.read")
    .input(noInput)
    .output(z.array(batchView))
    .query(({ ctx }) => listReplayBatches(ctx.db)),

  cancelReplay: mutation("deadletter.replay", "deadletter.replay_cancel")
    .input(batchInput)
    .output(z.object({ batchId: z.uuid(), status: z.literal("cancelled"), cancelled: z.number().int() }))
    .mutation(({ ctx, input }) => cancelReplay(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  discard: mutation("deadletter.replay", "deadletter.discard")
    .input(discardInput)
    .output(z.object({ id: z.uuid(), status: z.literal("discarded") }))
    .mutation(({ ctx, input }) => discardDeadLetter(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  proposeEdit: mutation("deadletter.replay", "deadletter.edit_proposed")
    .input(proposeEditInput)
    .output(z.object({ editId: z.uuid(), payloadHash: z.string(), diff: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })) }))
    .mutation(({ ctx, input }) => proposeEdit(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  decideEdit: mutation("deadletter.replay", "deadletter.edit_decided")
    .input(decideEditInput)
    .output(z.object({ editId: z.uuid(), status: z.enum(["approved", "rejected"]), replay: z.literal("requeued").nullable() }))
    .mutation(({ ctx, input }) => decideEdit(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  pendingEdits: query("deadletter.read")
    .input(noInput)
    .output(z.array(editView))
    .query(({ ctx }) => listEdits(ctx.db, eq(deadLetterEdits.status, "pending"))),

  health: query("monitor.read")
    .input(noInput)
    .output(healthOutput)
    .query(({ ctx }) => pipelineHealth(ctx.db)),
});
