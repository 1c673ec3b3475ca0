import type { Database } from "@/db/client";
import { staff, systemMeta } from "@/db/schema";
import { appendAuditEvent } from "../audit/append-audit-event";
import { hashPassword } from "../auth/password";
import type { Role } from "../auth/permissions";

/** Shown by `npm start` and in the README. Demo installations only. */
export const demoPassword = "countersign-demo-2026";

export const demoStaff: { email: string; displayName: string; role: Role }[] = [
  { email: "support@countersign.test", displayName: "Sam Support", role: "support" },
  { email: "compliance@countersign.test", displayName: "Casey Compliance", role: "compliance" },
  { email: "compliance2@countersign.test", displayName: "Charlie Checker", role: "compliance" },
  { email: "finance@countersign.test", displayName: "Fran Finance", role: "finance" },
  { email: "operations@countersign.test", displayName: "Oli Operations", role: "operations" },
  { email: "auditor@countersign.test", displayName: "Avery Auditor", role: "auditor" },
  { email: "admin@countersign.test", displayName: "Ada Admin", role: "admin" },
];

const marker = "demo_staff";

/** Loads the demo staff once per database; later calls find the marker and do nothing. */
export async function seedDemoStaff(db: Database): Promise<boolean> {
  const passwordHash = await hashPassword(demoPassword);
  return db.transaction(async (tx) => {
    const claimed = await tx.insert(systemMeta).values({ key: marker, value: { loadedAt: new Date().toISOString() } }).onConflictDoNothing().returning({ key: systemMeta.key });
    if (claimed.length === 0) return false;
    for (const member of demoStaff) {
      const [row] = await tx
        .insert(staff)
        .values({ ...member, passwordHash })
        .onConflictDoNothing()
        .returning({ id: staff.id });
      if (!row) continue;
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "seed" },
        action: "staff.create",
        outcome: "success",
        target: { type: "staff", id: row.id },
        details: { role: member.role, demo: true },
        request: { correlationId: null, ip: null, userAgent: null },
      });
    }
    return true;
  });
}
