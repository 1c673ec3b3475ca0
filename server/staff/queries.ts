import { and, asc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { staff } from "@/db/schema";
import type { Role } from "../auth/permissions";
import type { StaffView } from "./schemas";

// Written as plain SQL so the correlation to the outer "staff" row is explicit.
const lastSeen = sql<Date | null>`(select max(s.last_seen_at) from staff_sessions s where s.staff_id = "staff"."id")`.mapWith((value: string | null) =>
  value ? new Date(value) : null,
);

const view = {
  id: staff.id,
  email: staff.email,
  displayName: staff.displayName,
  role: staff.role,
  status: staff.status,
  createdAt: staff.createdAt,
  disabledAt: staff.disabledAt,
  lastSeenAt: lastSeen,
};

export async function listStaff(
  db: Executor,
  input: { status?: "active" | "disabled"; role?: Role; limit: number; afterId?: string },
): Promise<{ items: StaffView[]; nextAfterId: string | null }> {
  const filters: SQL[] = [];
  if (input.status) filters.push(eq(staff.status, input.status));
  if (input.role) filters.push(eq(staff.role, input.role));
  if (input.afterId) filters.push(gt(staff.id, input.afterId));
  const rows = await db.select(view).from(staff).where(and(...filters)).orderBy(asc(staff.id)).limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextAfterId: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null };
}

export async function findStaff(db: Executor, staffId: string, options: { forUpdate?: boolean } = {}) {
  const query = db.select().from(staff).where(eq(staff.id, staffId));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function getStaffView(db: Executor, staffId: string): Promise<StaffView | null> {
  const [row] = await db.select(view).from(staff).where(eq(staff.id, staffId));
  return row ?? null;
}

export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  const rows = await db.select({ id: staff.id }).from(staff).where(eq(sql`lower(${staff.email})`, email.toLowerCase()));
  return rows.length > 0;
}

/** Locks every active admin row, so two concurrent demotions cannot both pass the last-admin check. */
export async function lockActiveAdmins(db: Executor): Promise<string[]> {
  const rows = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.role, "admin"), eq(staff.status, "active")))
    .orderBy(asc(staff.id))
    .for("update");
  return rows.map((row) => row.id);
}

