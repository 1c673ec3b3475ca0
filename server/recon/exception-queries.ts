import { and, asc, eq, inArray, isNull, lte, sql, type SQL } from "drizzle-orm";
import type Decimal from "decimal.js";
import type { Executor } from "@/db/client";
import { afterCursor, cursorTimestamp } from "@/db/keyset";
import { approvalRequests, reconDifferences, reconExceptionNotes, reconExceptions, reconRuns, staff, statementLines } from "@/db/schema";
import { DomainError } from "../errors";
import { adjustmentPossibility } from "./adjustment-plan";
import { amountText } from "./report-queries";
import { unresolvedStatuses, type ExceptionDetail, type ExceptionFilter, type ExceptionListInput, type ExceptionRow } from "./exceptions-schemas";

const notesShownMax = 500;

const rowColumns = {
  id: reconExceptions.id,
  class: reconExceptions.class,
  status: reconExceptions.status,
  provider: reconExceptions.provider,
  reference: reconExceptions.reference,
  currency: reconExceptions.currency,
  amount: reconExceptions.amount,
  assigneeId: reconExceptions.assigneeId,
  assigneeName: staff.displayName,
  approvalRequestId: reconExceptions.approvalRequestId,
  openedAt: reconExceptions.openedAt,
  updatedAt: reconExceptions.updatedAt,
  resolvedAt: reconExceptions.resolvedAt,
};

function toRow<T extends { amount: Decimal | null; currency: string | null }>(row: T): Omit<T, "amount"> & { amount: string | null } {
  return { ...row, amount: amountText(row.amount, row.currency) };
}

export function exceptionClauses(filter: ExceptionFilter): SQL[] {
  const clauses: SQL[] = [inArray(reconExceptions.status, filter.status ?? [...unresolvedStatuses])];
  if (filter.class) clauses.push(inArray(reconExceptions.class, filter.class));
  if (filter.assignee === "none") clauses.push(isNull(reconExceptions.assigneeId));
  else if (filter.assignee) clauses.push(eq(reconExceptions.assigneeId, filter.assignee));
  if (filter.currency) clauses.push(eq(reconExceptions.currency, filter.currency));
  if (filter.minAgeDays !== undefined) clauses.push(lte(reconExceptions.openedAt, sql`now() - make_interval(days => ${filter.minAgeDays})`));
  if (filter.runId) clauses.push(eq(reconExceptions.lastRunId, filter.runId));
  return clauses;
}

/** The workbench list: oldest first (age is what matters), keyset-paginated on (opened_at, id). */
export async function listExceptions(db: Executor, input: ExceptionListInput): Promise<{ items: ExceptionRow[]; next: { at: string; id: string } | null }> {
  const clauses = exceptionClauses(input);
  if (input.cursor) clauses.push(afterCursor(reconExceptions.openedAt, reconExceptions.id, input.cursor, "asc"));
  const rows = await db
    .select({ ...rowColumns, cursorAt: cursorTimestamp(reconExceptions.openedAt) })
    .from(reconExceptions)
    .leftJoin(staff, eq(staff.id, reconExceptions.assigneeId))
    .where(and(...clauses))
    .orderBy(asc(reconExceptions.openedAt), asc(reconExceptions.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => {
      const item: Partial<typeof row> = { ...row };
      delete item.cursorAt;
      return toRow(item as Omit<typeof row, "cursorAt">);
    }),
    next: rows.length > input.limit && last ? { at: last.cursorAt, id: last.id } : null,
  };
}

/** The exception row, locked for the caller's change. */
export async function lockException(tx: Executor, id: string) {
  const [row] = await tx.select().from(reconExceptions).where(eq(reconExceptions.id, id)).for("update");
  if (!row) throw new DomainError("NOT_FOUND", "No such exception.", { field: "id" });
  return row;
}

export async function notesOf(db: Executor, exceptionId: string) {
  return db
    .select({ id: reconExceptionNotes.id, kind: reconExceptionNotes.kind, body: reconExceptionNotes.body, authorId: reconExceptionNotes.authorId, authorName: staff.displayName, createdAt: reconExceptionNotes.createdAt })
    .from(reconExceptionNotes)
    .leftJoin(staff, sql`${staff.id}::text = ${reconExceptionNotes.authorId}`)
    .where(eq(reconExceptionNotes.exceptionId, exceptionId))
    .orderBy(asc(reconExceptionNotes.createdAt), asc(reconExceptionNotes.id))
    .limit(notesShownMax);
}

/** Everything a person needs to work one exception, and why "Adjust the ledger" is or is not possible. */
export async function exceptionDetailOf(db: Executor, id: string): Promise<ExceptionDetail> {
  const [row] = await db
    .select({ ...rowColumns, fingerprint: reconExceptions.fingerprint, resolution: reconExceptions.resolution, accountId: reconExceptions.accountId, transactionId: reconExceptions.transactionId, firstRunId: reconExceptions.firstRunId, lastRunId: reconExceptions.lastRunId, differenceId: reconExceptions.differenceId })
    .from(reconExceptions)
    .leftJoin(staff, eq(staff.id, reconExceptions.assigneeId))
    .where(eq(reconExceptions.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "No such exception.", { field: "id" });
  const [difference] = await db
    .select({ id: reconDifferences.id, runId: reconDifferences.runId, statementAmount: reconDifferences.statementAmount, ledgerAmount: reconDifferences.ledgerAmount, occurredOn: reconDifferences.occurredOn, details: reconDifferences.details, lineId: reconDifferences.lineId, currency: reconDifferences.currency, scope: reconRuns.scope })
    .from(reconDifferences)
    .innerJoin(reconRuns, eq(reconRuns.id, reconDifferences.runId))
    .where(eq(reconDifferences.id, row.differenceId));
  if (!difference) throw new Error("an exception's difference exists");
  const [line] = difference.lineId ? await db.select().from(statementLines).where(eq(statementLines.id, difference.lineId)) : [];
  const [approval] = row.approvalRequestId
    ? await db
        .select({ id: approvalRequests.id, status: approvalRequests.status, direction: approvalRequests.direction, amount: approvalRequests.amount, currency: approvalRequests.currency, approvalsRequired: approvalRequests.approvalsRequired, resultRef: approvalRequests.resultRef, createdAt: approvalRequests.createdAt })
        .from(approvalRequests)
        .where(eq(approvalRequests.id, row.approvalRequestId))
    : [];
  const statementAmount = amountText(difference.statementAmount, difference.currency);
  const ledgerAmount = amountText(difference.ledgerAmount, difference.currency);
  const exception: Partial<typeof row> = { ...row };
  delete exception.differenceId;
  return {
    ...toRow(exception as Omit<typeof row, "differenceId">),
    difference: { id: difference.id, runId: difference.runId, statementAmount, ledgerAmount, occurredOn: difference.occurredOn, details: difference.details },
    statementLine: line
      ? { id: line.id, importId: line.importId, lineNo: line.lineNo, kind: line.kind, status: line.status, amount: amountText(line.amount, line.currency) ?? "", currency: line.currency, bookedOn: line.bookedOn, description: line.description }
      : null,
    approval: approval ? { id: approval.id, status: approval.status, direction: approval.direction, amount: amountText(approval.amount, approval.currency), approvalsRequired: approval.approvalsRequired, resultRef: approval.resultRef, createdAt: approval.createdAt } : null,
    adjustment: adjustmentPossibility({ status: row.status, accountId: row.accountId, currency: row.currency, amount: amountText(row.amount, row.currency) }, approval?.status ?? null, difference.scope, statementAmount, ledgerAmount),
    notes: await notesOf(db, id),
  };
}
