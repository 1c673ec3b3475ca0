import { and, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { reconRuns, statementImports, staff } from "@/db/schema";
import { DomainError } from "../errors";
import type { DifferenceClass } from "./schemas";

type Cursor = { at: string; id: string } | undefined;

export async function listImports(db: Executor, input: { provider?: string; limit: number; cursor?: Cursor }) {
  const conditions: SQL[] = [];
  if (input.provider) conditions.push(eq(statementImports.provider, input.provider));
  if (input.cursor) {
    const at = new Date(input.cursor.at);
    conditions.push(or(lt(statementImports.createdAt, at), and(eq(statementImports.createdAt, at), lt(statementImports.id, input.cursor.id))) as SQL);
  }
  const rows = await db
    .select({
      id: statementImports.id,
      provider: statementImports.provider,
      format: statementImports.format,
      fileName: statementImports.fileName,
      contentHash: statementImports.contentHash,
      byteSize: statementImports.byteSize,
      status: statementImports.status,
      rowCount: statementImports.rowCount,
      acceptedRows: statementImports.acceptedRows,
      rejectedRows: statementImports.rejectedRows,
      periodFrom: statementImports.periodFrom,
      periodTo: statementImports.periodTo,
      uploadedBy: staff.displayName,
      createdAt: statementImports.createdAt,
    })
    .from(statementImports)
    .leftJoin(staff, eq(staff.id, statementImports.uploadedBy))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(statementImports.createdAt), desc(statementImports.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return { items, next: rows.length > input.limit && last ? { at: last.createdAt.toISOString(), id: last.id } : null };
}

/** One import with its bad rows and, for an accepted one, its totals per currency and kind. */
export async function getImport(db: Executor, id: string) {
  const [row] = await db.select().from(statementImports).where(eq(statementImports.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "No such statement import.", { field: "id" });
  const totals = await db.execute<{ currency: string; kind: string; lines: number; amount: string }>(sql`
    select currency::text as currency, kind::text as kind, count(*)::int as lines, sum(amount)::text as amount
      from statement_lines where import_id = ${id} group by currency, kind order by currency, kind`);
  return { ...row, totals: [...totals].map((total) => ({ ...total, amount: trim(total.amount) })) };
}

function trim(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export async function listRuns(db: Executor, input: { scope?: "payments" | "withdrawals" | "ledger"; limit: number; cursor?: Cursor }) {
  const conditions: SQL[] = [];
  if (input.scope) conditions.push(eq(reconRuns.scope, input.scope));
  if (input.cursor) {
    const at = new Date(input.cursor.at);
    conditions.push(or(lt(reconRuns.finishedAt, at), and(eq(reconRuns.finishedAt, at), lt(reconRuns.id, input.cursor.id))) as SQL);
  }
  const rows = await db
    .select()
    .from(reconRuns)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(reconRuns.finishedAt), desc(reconRuns.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return { items, next: rows.length > input.limit && last ? { at: last.finishedAt.toISOString(), id: last.id } : null };
}

export async function getRun(db: Executor, id: string) {
  const [run] = await db.select().from(reconRuns).where(eq(reconRuns.id, id));
  if (!run) throw new DomainError("NOT_FOUND", "No such reconciliation run.", { field: "id" });
  const imports = run.importIds.length
    ? await db.execute<{ id: string; provider: string; file_name: string; period_from: string | null; period_to: string | null; row_count: number }>(sql`
        select id, provider, file_name, period_from::text, period_to::text, row_count from statement_imports where id = any(${`{${run.importIds.join(",")}}`}::uuid[]) order by created_at`)
    : [];
  return {
    run,
    imports: [...imports].map((row) => ({ id: row.id, provider: row.provider, fileName: row.file_name, periodFrom: row.period_from, periodTo: row.period_to, rowCount: row.row_count })),
  };
}

export interface ComparedDifference {
  fingerprint: string;
  class: DifferenceClass;
  reference: string | null;
  currency: string | null;
  amountA: string | null;
  amountB: string | null;
}

/** Differences only in run A, only in run B, and in both, by fingerprint (capped lists, exact counts). */
export async function compareRuns(db: Executor, a: string, b: string, listMax = 500) {
  for (const id of [a, b]) {
    const [exists] = await db.select({ id: reconRuns.id }).from(reconRuns).where(eq(reconRuns.id, id));
    if (!exists) throw new DomainError("NOT_FOUND", `No reconciliation run ${id}.`, { field: id === a ? "a" : "b" });
  }
  const rows = await db.execute<{ side: "a" | "b" | "both"; fingerprint: string; class: DifferenceClass; reference: string | null; currency: string | null; amount_a: string | null; amount_b: string | null; total: number }>(sql`
    with da as (select distinct on (fingerprint) fingerprint, class::text as class, reference, currency::text as currency, amount from recon_differences where run_id = ${a} order by fingerprint, id),
         db as (select distinct on (fingerprint) fingerprint, class::text as class, reference, currency::text as currency, amount from recon_differences where run_id = ${b} order by fingerprint, id),
         joined as (
           select case when da.fingerprint is null then 'b' when db.fingerprint is null then 'a' else 'both' end as side,
                  coalesce(da.fingerprint, db.fingerprint) as fingerprint, coalesce(da.class, db.class) as class,
                  coalesce(da.reference, db.reference) as reference, coalesce(da.currency, db.currency) as currency,
                  da.amount::text as amount_a, db.amount::text as amount_b
             from da full join db on db.fingerprint = da.fingerprint),
         ranked as (select *, row_number() over (partition by side order by class, fingerprint) as rank, count(*) over (partition by side)::int as total from joined)
    select side, fingerprint, class, reference, currency, amount_a, amount_b, total from ranked where rank <= ${listMax} order by side, class, fingerprint`);
  const pick = (side: "a" | "b" | "both") => {
    const list = [...rows].filter((row) => row.side === side);
    return {
      count: list[0]?.total ?? 0,
      items: list.map((row): ComparedDifference => ({ fingerprint: row.fingerprint, class: row.class, reference: row.reference, currency: row.currency, amountA: row.amount_a, amountB: row.amount_b })),
    };
  };
  return { a, b, onlyInA: pick("a"), onlyInB: pick("b"), inBoth: pick("both") };
}
