import { metricsResponse } from "@/server/monitoring/metrics";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return metricsResponse(req);
}
