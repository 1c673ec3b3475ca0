import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/next-auth";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handle(req: NextRequest, context: RouteContext): Promise<Response> {
  const handler = NextAuth(authOptions()) as (req: NextRequest, context: RouteContext) => Promise<Response>;
  return handler(req, context);
}

export { handle as GET, handle as POST };
