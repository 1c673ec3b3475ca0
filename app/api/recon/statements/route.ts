import type { NextRequest } from "next/server";
import { uploadStatementResponse } from "@/server/recon/upload-route";

export const dynamic = "force-dynamic";

export function POST(req: NextRequest): Promise<Response> {
  return uploadStatementResponse(req);
}
