import "server-only";
import { getToken } from "next-auth/jwt";
import { database } from "../db";
import { env } from "../env";
import { resolveSession, type StaffSession } from "./sessions";

type CookieSource = { getAll: () => { name: string; value: string }[] };

/** The signed-in staff member for this request, checked against the sessions table, or null. */
export async function currentSession(cookies: CookieSource, headers: Headers): Promise<StaffSession | null> {
  const config = env();
  const token = await getToken({
    req: { cookies, headers } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: config.NEXTAUTH_SECRET,
    secureCookie: config.NEXTAUTH_URL.startsWith("https://"),
  });
  if (!token || typeof token.sid !== "string") return null;
  return resolveSession(database().db, token.sid, { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS });
}
