import "server-only";
import type { NextRequest } from "next/server";
import { currentSession } from "../auth/current-session";
import { database } from "../db";
import { requestMetaFrom } from "../http/request-meta";
import type { Context } from "./context";

export async function createHttpContext(req: NextRequest): Promise<Context> {
  return {
    db: database().db,
    session: await currentSession(req.cookies, req.headers),
    request: requestMetaFrom(req.headers),
  };
}
