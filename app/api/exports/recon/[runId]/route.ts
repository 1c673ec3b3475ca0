import type { NextRequest } from "next/server";
import { reconReportExportResponse } from "@/server/recon/export-report";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, { params }: { params: Promise<{ runId: string }> }): Promise<Response> {
  const { runId } = await params;
  return reconReportExportResponse(req, runId);
}
