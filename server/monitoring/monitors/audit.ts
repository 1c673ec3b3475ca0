import { sql } from "drizzle-orm";
import { count, secondsText, type MonitorDefinition } from "./types";

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
  {
    key: "audit.checkpoint_export_failures",
    group: "audit",
    title: "Checkpoints not exported",
    description:
      "Checkpoints signed in the last 24 hours that could not be written to a configured export target (AUDIT_CHECKPOINT_FILE or AUDIT_CHECKPOINT_URL). A checkpoint kept only in the database does not protect against someone who can rewrite the database.",
    unit: "count",
    // Critical after an hour of failures at the default interval of 5 minutes.
    defaults: { warning: "1", critical: "12", direction: "above", params: {} },
    params: {},
    async measure({ db }) {
      // Each checkpoint is audited as audit.checkpoint with the number of its failed exports; the
      // newest few hundred (a day at the shortest interval is 1,440) are read by the (action, seq) index.
      const [row] = await db.execute<{ failed: number; recorded: number; last_failed_seq: number | null }>(sql`
        select count(*) filter (where (details::jsonb ->> 'exportFailures')::int > 0)::int as failed,
               count(*)::int as recorded,
               max(seq) filter (where (details::jsonb ->> 'exportFailures')::int > 0)::int as last_failed_seq
          from (select seq, details, occurred_at from audit_events where action = 'audit.checkpoint' order by seq desc limit 1500) recent
         where occurred_at > now() - interval '24 hours'`);
      const failed = row?.failed ?? 0;
      const recorded = row?.recorded ?? 0;
      return {
        value: count(failed),
        summary:
          failed === 0
            ? `Every one of the ${recorded} checkpoint(s) of the last 24 hours was exported (or no export target is configured).`
            : `${failed} of the ${recorded} checkpoint(s) of the last 24 hours could not be exported; the newest failure is audit record ${row?.last_failed_seq ?? "?"}.`,
        details: { failed, recorded, lastFailedAuditSeq: row?.last_failed_seq ?? null },
        evidenceHref: "/audit?action=audit.checkpoint",
      };
    },
  },
];
