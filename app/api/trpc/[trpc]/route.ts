import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { NextRequest } from "next/server";
import { readBodyCapped, refuseUnsafeRequest } from "@/server/http/guard-mutation";
import { logger } from "@/server/log";
import { createHttpContext } from "@/server/trpc/http-context";
import { appRouter } from "@/server/trpc/root";

export const dynamic = "force-dynamic";

async function handle(req: NextRequest): Promise<Response> {
  const refusal = refuseUnsafeRequest(req);
  if (refusal) return refusal;
  let request = req;
  if (req.method === "POST") {
    const body = await readBodyCapped(req);
    if (body instanceof Response) return body;
    request = new NextRequest(req.url, { method: "POST", headers: req.headers, body });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createHttpContext(request),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "procedure failed");
    },
  });
}

export { handle as GET, handle as POST };
