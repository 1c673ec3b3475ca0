import { sql } from "drizzle-orm";
import { secondsText, type MonitorDefinition } from "./types";

const dayAndAHour = "90000";
const twoDaysAndAHour = "176400";

/** Reads the audit chain's verifications and checkpoints (written by the audit module). */
export const auditMonitors: MonitorDefinition[] = [
  {
    key: "audit.last_verification",
    group: "audit",
    title: "Since the last full chain verification",
    description: "Time since the last full verification of the audit chain finished; critical whatever the age if it found a break.",
    unit: "seconds",
    defaults: { warning: dayAndAHour, critical: twoDaysAndAHour, direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ id: string; ok: boolean; records: number; first_broken_seq: number | null; reason: string | null; finished_at: string; age: number }>(sql`
        select id, ok, records::int, first_broken_seq::int, reason, to_json(finished_at) #>> '{}' as finished_at, extract(epoch from now() - finished_at)::float8 as age
          from audit_verifications order by audit_verifications.finished_at desc limit 1`);
      if (!row) return { value: null, summary: "The audit chain has not been fully verified yet.", details: {}, evidenceHref: "/audit" };
      const details = { verificationId: row.id, ok: row.ok, records: row.records, firstBrokenSeq: row.first_broken_seq, reason: row.reason, finishedAt: row.finished_at };
      if (!row.ok) {
        return { value: secondsText(Math.max(0, row.age)), summary: `The last verification found the chain broken at sequence ${row.first_broken_seq ?? "?"}.`, details, evidenceHref: "/audit", forcedState: "critical" };
      }
      return { value: secondsText(Math.max(0, row.age)), summary: `Intact over ${row.records} records at ${row.finished_at}.`, details, evidenceHref: "/audit" };
    },
  },
  {
    key: "audit.checkpoint_age",
    group: "audit",
    title: "Audit checkpoint age",
    description: "Time since the newest signed checkpoint of the audit chain head.",
    unit: "seconds",
    defaults: { warning: dayAndAHour, critical: twoDaysAndAHour, direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      const [row] = await db.execute<{ seq: number; signed_at: string; age: number }>(sql`
        select seq::int, to_json(signed_at) #>> '{}' as signed_at, extract(epoch from now() - signed_at)::float8 as age from audit_checkpoints order by audit_checkpoints.signed_at desc limit 1`);
      if (!row) return { value: null, summary: "No checkpoint of the audit chain has been signed yet.", details: {}, evidenceHref: "/audit" };
      return { value: secondsText(Math.max(0, row.age)), summary: `Newest checkpoint at sequence ${row.seq}, signed ${row.signed_at}.`, details: { seq: row.seq, signedAt: row.signed_at }, evidenceHref: "/audit" };
    },
  },
];
