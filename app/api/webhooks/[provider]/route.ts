import { webhookResponse } from "@/server/ingest/webhook-response";

export const dynamic = "force-dynamic";

/** Provider events (Standard Webhooks). Not a console mutation: the signature, not a session, authenticates it. */
export async function POST(req: Request, { params }: { params: Promise<{ provider: string }> }): Promise<Response> {
  const { provider } = await params;
  return webhookResponse(req, provider);
}
