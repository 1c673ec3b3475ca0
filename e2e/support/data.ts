/**
 * Per-test data, written straight into the instance's database as the application role: a journey
 * that needs its own staff member gets one nobody else signs in as, so throttling or disabling it
 * cannot disturb any other test.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { connectDatabase, type DatabaseHandle, type Transaction } from "../../db/client";
import { auditDetails, auditEvents, staff } from "../../db/schema";
import { createAdjustmentRequest } from "../../server/approvals/create-adjustment-request";
import { decideRequest } from "../../server/approvals/decide-request";
import type { AdjustmentFields } from "../../server/approvals/schemas";
import { appendAuditEvent } from "../../server/audit/append-audit-event";
import { collectingAuditScope, type AuditScope } from "../../server/audit/audit-scope";
import { hashPassword } from "../../server/auth/password";
import type { Role } from "../../server/auth/permissions";
import { createCustomer } from "../../server/customers/create-customer";
import { changeStaffRole } from "../../server/staff/change-staff-role";
import { systemAccount } from "../../server/ledger/open-account";
import { postTransaction } from "../../server/ledger/post-transaction";
import { MoneyDecimal } from "../../server/money";
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
      .select({ seq: auditEvents.seq, outcome: auditEvents.outcome, targetType: auditEvents.targetType, targetId: auditEvents.targetId, details: auditDetails, hash: auditEvents.hash, prevHash: auditEvents.prevHash })
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

const noRequest = { correlationId: null, ip: null, userAgent: null };

/**
 * Runs a use case the way its tRPC mutation does: in one transaction, with its audit records
 * appended before commit, acting as the given staff member.
 */
async function asStaff<T>(staffId: string, action: string, work: (tx: Transaction, audit: AuditScope) => Promise<T>): Promise<T> {
  return withDatabase(({ db }) =>
    db.transaction(async (tx) => {
      const { audit, collected } = collectingAuditScope();
      const result = await work(tx, audit);
      const actor = { type: "staff" as const, id: staffId };
      await appendAuditEvent(tx, { actor, action, outcome: "success", target: collected.target, details: { ...collected.details, e2e: true }, request: noRequest });
      for (const extra of collected.extras) {
        await appendAuditEvent(tx, { actor, action: extra.action, outcome: extra.outcome ?? "success", target: extra.target ?? collected.target, details: extra.details ?? {}, request: noRequest });
      }
      return result;
    }),
  );
}

export interface FundedWallet {
  accountId: string;
  customerId: string;
  customerRef: string;
  name: string;
  currency: string;
}

/** A new verified customer with one wallet, funded by a deposit through the ledger's own posting rules. */
export async function fundedWallet(balance = "1000.00", currency = "EUR"): Promise<FundedWallet> {
  const customerRef = `e2e-adj-${uniqueSuffix()}`;
  return withDatabase(({ db }) =>
    db.transaction(async (tx) => {
      const clearing = await systemAccount(tx, "provider_clearing", currency);
      const customer = await createCustomer(tx, {
        externalRef: customerRef,
        pii: { fullName: "Edith Example", email: `${customerRef}@example.com`, dateOfBirth: "1988-04-12", country: "GB" },
        walletCurrencies: [currency],
      });
      const accountId = customer.walletIds[currency];
      if (!accountId) throw new Error("createCustomer opened no wallet");
      const amount = new MoneyDecimal(balance);
      await postTransaction(tx, {
        idempotencyKey: `e2e-fund-${customerRef}`,
        kind: "deposit",
        initiator: { type: "service", id: "e2e" },
        occurredAt: new Date(),
        externalReference: `e2e-dep-${customerRef}`,
        entries: [
          { accountId: clearing.id, amount },
          { accountId, amount: amount.negated() },
        ],
      });
      return { accountId, customerId: customer.customerId, customerRef, name: `Wallet ${currency}`, currency };
    }),
  );
}

export type AdjustmentDraft = Partial<Omit<AdjustmentFields, "accountId" | "amount">>;

/** An adjustment request raised by a maker, through the use case the console's form calls. */
export async function raiseAdjustment(makerId: string, accountId: string, amount: string, draft: AdjustmentDraft = {}) {
  return asStaff(makerId, "adjustment.requested", (tx, audit) =>
    createAdjustmentRequest(tx, audit, { staffId: makerId }, {
      accountId,
      amount,
      direction: "credit",
      currency: "EUR",
      reasonCode: "goodwill",
      justification: "Raised by an end-to-end journey for its own data.",
      ticketRef: `E2E-${uniqueSuffix()}`,
      ...draft,
    }),
  );
}

/** A checker's decision, through the use case the console's buttons call. */
export async function decideAs(checker: { id: string; role: Role }, request: { requestId: string; payloadHash: string }, decision: "approve" | "reject", comment?: string) {
  return asStaff(checker.id, "approval.decide", (tx, audit) =>
    decideRequest(tx, audit, { staffId: checker.id, role: checker.role }, { requestId: request.requestId, payloadHash: request.payloadHash, decision, comment }, "adjustment"),
  );
}

/** An administrator changes a member's role, as the staff screen does. */
export async function changeRoleOf(staffId: string, role: Role): Promise<void> {
  const adminId = await staffIdByEmail("admin@countersign.test");
  if (!adminId) throw new Error("the demo administrator is missing");
  await asStaff(adminId, "staff.change_role", (tx, audit) => changeStaffRole(tx, audit, adminId, { staffId, role }));
}
