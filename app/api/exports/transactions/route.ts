import type { NextRequest } from "next/server";
import { transactionsExportResponse } from "@/server/ledger/export-transactions";

export const dynamic = "force-dynamic";

export function GET(req: NextRequest): Promise<Response> {
  return transactionsExportResponse(req);
}
