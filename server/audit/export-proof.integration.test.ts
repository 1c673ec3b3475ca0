import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { signedInCaller } from "@/test/support/callers";
import type { StaffSession } from "../auth/sessions";
import { appendAuditEvent } from "./append-audit-event";
import { generateSigningKeyText, parseSigningKey, trustedKeys } from "./checkpoints/signing-key";
import { exportProof, type ProofExportContext } from "./export-proof";
import { recordCheckpoint } from "./record-checkpoint";

const key = parseSigningKey(generateSigningKeyText());
const request = { correlationId: "proof-test-correlation", ip: "127.0.0.1", userAgent: "vitest" };

describe("exporting a proof bundle (GET /api/audit/proof/:seq)", () => {
  let database: TestDatabase;
  let auditor: StaffSession;
  let support: StaffSession;
  const context = (session: StaffSession, signing = true): ProofExportContext => ({
    db: database.app.db,
    session,
    request,
    keys: trustedKeys([key]),
    signingKey: signing ? key : undefined,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    auditor = (await signedInCaller(database.app.db, "auditor")).session;
    support = (await signedInCaller(database.app.db, "support")).session;
    for (let index = 0; index < 4; index += 1) {
      await database.app.db.transaction((tx) =>
        appendAuditEvent(tx, { actor: { type: "service", id: "test" }, action: "test.event", outcome: "success", details: { index }, request }),
      );
    }
  });
  afterAll(() => database.drop());

  it("refuses a role without audit.read, and audits the refusal", async () => {
    expect(await exportProof(context(support), "2")).toMatchObject({ status: 403, code: "FORBIDDEN" });
    const [denied] = await database.owner`select actor_id, target_type from audit_events where action = 'access.denied' order by seq desc limit 1`;
    expect(denied).toMatchObject({ actor_id: support.staffId, target_type: "audit_proof" });
  });

  it("names the seq when it is not a record number, and 404s an unknown record", async () => {
    for (const bad of ["0", "-1", "abc", "1.5", "1234567890123456"]) {
      expect(await exportProof(context(auditor), bad)).toMatchObject({ status: 400, field: "seq", message: expect.stringMatching(/^seq: /) });
    }
    expect(await exportProof(context(auditor), "99999")).toMatchObject({ status: 404, field: "seq" });
  });

  it("without a signing key, a record no checkpoint covers yet is a 409 saying so", async () => {
    expect(await exportProof(context(auditor, false), "2")).toMatchObject({ status: 409, code: "NOT_CHECKPOINTED" });
    const [{ count }] = (await database.owner`select count(*)::int as count from audit_checkpoints`) as unknown as [{ count: number }];
    expect(count).toBe(0);
  });

  it("signs a checkpoint on demand when none covers the record, and audits the download", async () => {
    const result = await exportProof(context(auditor), "2");
    expect(result.status).toBe(200);
    if (result.status !== 200) return;
    expect(result.bundle).toMatchObject({ seq: 2, segment: expect.any(Array) });
    const [checkpoint] = await database.owner`select seq::int from audit_checkpoints`;
    expect(result.bundle.checkpoint.seq).toBe(checkpoint?.seq);
    const [onDemand] = await database.owner`select details::jsonb as details from audit_events where action = 'audit.checkpoint'`;
    expect(onDemand?.details).toMatchObject({ trigger: "proof" });
    const [download] = await database.owner`select actor_id, target_id, details::jsonb as details from audit_events where action = 'audit.proof_export'`;
    expect(download).toMatchObject({ actor_id: auditor.staffId, target_id: "2", details: { seq: 2, checkpointSeq: checkpoint?.seq } });

    // A record an existing checkpoint covers reuses it: no second checkpoint.
    const again = await exportProof(context(auditor), "1");
    expect(again).toMatchObject({ status: 200, bundle: { checkpoint: { seq: checkpoint?.seq } } });
    const rows = await database.owner`select seq from audit_checkpoints`;
    expect(rows).toHaveLength(1);
  });

  it("a checkpoint the recorder races with still ends in one bundle per request", async () => {
    await recordCheckpoint(database.app.db, { key, trigger: "schedule" });
    const [head] = await database.owner`select max(seq)::int as seq from audit_events`;
    const results = await Promise.all([exportProof(context(auditor), String(head?.seq)), exportProof(context(auditor), String(head?.seq))]);
    for (const result of results) expect(result.status).toBe(200);
  });
});
