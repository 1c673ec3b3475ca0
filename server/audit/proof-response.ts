import "server-only";
import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import { currentSession } from "../auth/current-session";
import { database } from "../db";
import { auditTrustedKeys, env } from "../env";
import { requestMetaFrom } from "../http/request-meta";
import { trustedKeys } from "./checkpoints/signing-key";
import { exportProof } from "./export-proof";

/** GET /api/audit/proof/:seq: the proof bundle of one audit record as a JSON download. */
export async function proofBundleResponse(req: NextRequest, seqText: string): Promise<Response> {
  const session = await currentSession(await cookies(), req.headers);
  if (!session) return Response.json({ error: { code: "UNAUTHORIZED", message: "Sign in to continue." } }, { status: 401 });
  const config = env();
  const result = await exportProof(
    {
      db: database().db,
      session,
      request: requestMetaFrom(req.headers),
      keys: trustedKeys(auditTrustedKeys()),
      signingKey: config.AUDIT_SIGNING_KEY,
      exportTo: { file: config.AUDIT_CHECKPOINT_FILE, url: config.AUDIT_CHECKPOINT_URL },
    },
    seqText,
  );
  if (result.status !== 200) {
    const fieldErrors = result.field ? { [result.field]: result.message } : {};
    return Response.json({ error: { code: result.code, message: result.message, fieldErrors } }, { status: result.status, headers: { "cache-control": "no-store" } });
  }
  return new Response(`${JSON.stringify(result.bundle, null, 2)}\n`, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="audit-proof-${result.bundle.seq}.json"`,
      "cache-control": "no-store",
    },
  });
}
