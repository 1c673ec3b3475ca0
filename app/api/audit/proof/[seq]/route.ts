import type { NextRequest } from "next/server";
import { proofBundleResponse } from "@/server/audit/proof-response";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, { params }: { params: Promise<{ seq: string }> }): Promise<Response> {
  const { seq } = await params;
  return proofBundleResponse(req, seq);
}
