/**
 * Per-test data, written straight into the instance's database as the application role: a journey
 * that needs its own staff member gets one nobody else signs in as, so throttling or disabling it
 * cannot disturb any other test.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { connectDatabase, type DatabaseHandle } from "../../db/client";
import { auditEvents, staff } from "../../db/schema";
import { appendAuditEvent } from "../../server/audit/append-audit-event";
import { hashPassword } from "../../server/auth/password";
import type { Role } from "../../server/auth/permissions";
import { readInstance } from "./instance";

export interface TestStaff {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  password: string;
}

/** A short random token that makes names and emails unique per run and per test. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = connectDatabase(readInstance().appUrl, { maxConnections: 1, applicationName: "countersign-e2e" });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** An active staff member of the given role, created (and audited) for one test. */
export async function createStaffMember(role: Role, name: string): Promise<TestStaff> {
  const suffix = uniqueSuffix();
  const member = {
    email: `e2e-${role}-${suffix}@countersign.test`,
    displayName: `${name} ${suffix}`,
    role,
    password: `e2e-password-${randomBytes(9).toString("base64url")}`,
  };
  const passwordHash = await hashPassword(member.password);
  const id = await withDatabase(({ db }) =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(staff)
        .values({ email: member.email, displayName: member.displayName, role, passwordHash })
        .returning({ id: staff.id });
      if (!row) throw new Error("staff insert returned no row");
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "e2e" },
        action: "staff.create",
        outcome: "success",
        target: { type: "staff", id: row.id },
        details: { role, e2e: true },
        request: { correlationId: null, ip: null, userAgent: null },
      });
      return row.id;
    }),
  );
  return { id, ...member };
}

export async function staffIdByEmail(email: string): Promise<string | null> {
  return withDatabase(async ({ db }) => {
    const [row] = await db.select({ id: staff.id }).from(staff).where(eq(staff.email, email));
    return row?.id ?? null;
  });
}

/** Audit records with this actor and action, newest first. */
export async function auditRecordsOf(actorId: string, action: string) {
  return withDatabase(({ db }) =>
    db
      .select({ seq: auditEvents.seq, outcome: auditEvents.outcome, targetType: auditEvents.targetType, targetId: auditEvents.targetId, details: auditEvents.details, hash: auditEvents.hash, prevHash: auditEvents.prevHash })
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );
}

export interface KnownDeposit {
  transactionId: string;
  externalReference: string;
  /** The headline amount as the database stores it (a decimal string). */
  amount: string;
  currency: string;
  walletAccountId: string;
  walletName: string;
  customerId: string;
  customerRef: string;
  email: string;
}

/**
 * A seeded deposit into a wallet with a busy history (so the statement has entries on both sides of
 * it), with its customer. Deterministic for one database: the busiest such wallet's latest deposit.
 */
export async function knownDeposit(): Promise<KnownDeposit> {
  return withDatabase(async ({ sql }) => {
    const [row] = await sql<KnownDeposit[]>`
      select t.id as "transactionId", t.external_reference as "externalReference", t.amount::text as amount, t.currency,
             a.id as "walletAccountId", a.name as "walletName", c.id as "customerId", c.external_ref as "customerRef", p.email
        from ledger_transactions t
        join ledger_entries e on e.transaction_id = t.id
        join accounts a on a.id = e.account_id and a.purpose = 'wallet'
        join account_balances b on b.account_id = a.id
        join customers c on c.id = a.customer_id
        join customer_pii p on p.customer_id = c.id
       where t.kind = 'deposit' and t.external_reference is not null and e.account_seq between 3 and b.entry_count - 3
       order by b.entry_count desc, a.id, e.account_seq desc
       limit 1`;
    if (!row) throw new Error("the demo ledger holds no deposit into a busy wallet; was the demo data loaded?");
    return row;
  });
}

export interface StatementEntry {
  accountSeq: number;
  bookedAt: Date;
  balanceAfter: string;
  transactionId: string;
}

/** An account's entries in posting order, as the ledger holds them. */
export async function statementOf(accountId: string): Promise<StatementEntry[]> {
  return withDatabase(async ({ sql }) => {
    const rows = await sql<{ accountSeq: string; bookedAt: Date | string; balanceAfter: string; transactionId: string }[]>`
      select account_seq::text as "accountSeq", booked_at as "bookedAt", balance_after::text as "balanceAfter", transaction_id as "transactionId"
        from ledger_entries where account_id = ${accountId} order by account_seq`;
    return rows.map((row) => ({ ...row, accountSeq: Number.parseInt(row.accountSeq, 10), bookedAt: new Date(row.bookedAt) }));
  });
}

/** The ids of a customer's transactions, newest first by occurrence, as the search orders them. */
export async function transactionIdsOfCustomer(customerId: string, limit: number): Promise<string[]> {
  return withDatabase(async ({ sql }) => {
    const rows = await sql<{ id: string }[]>`
      select t.id from ledger_transactions t
       where t.id in (select e.transaction_id from ledger_entries e join accounts a on a.id = e.account_id where a.customer_id = ${customerId})
       order by t.occurred_at desc, t.id desc limit ${limit}`;
    return rows.map((row) => row.id);
  });
}
