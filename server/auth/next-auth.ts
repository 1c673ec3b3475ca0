import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { database } from "../db";
import { env } from "../env";
import { logger } from "../log";
import { requestMetaFrom } from "../http/request-meta";
import { signIn, signOut } from "./sign-in";

const credentialsSchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(256),
});

function headersOf(req: { headers?: Record<string, unknown> }): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (typeof value === "string") headers.set(name, value);
  }
  return headers;
}

/** Error strings the sign-in page understands. */
export const signInErrors = { invalid: "INVALID_CREDENTIALS", throttled: "THROTTLED" } as const;

export function authOptions(): AuthOptions {
  const config = env();
  return {
    secret: config.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: config.SESSION_MAX_HOURS * 3600 },
    pages: { signIn: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Staff account",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) throw new Error(signInErrors.invalid);
          const result = await signIn(database().db, parsed.data, requestMetaFrom(headersOf(req)), {
            secret: config.NEXTAUTH_SECRET,
            maxFailuresPerAccount: config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
            maxFailuresPerAddress: config.SIGN_IN_MAX_FAILURES_PER_ADDRESS,
            windowMinutes: config.SIGN_IN_WINDOW_MINUTES,
          });
          if (!result.ok) throw new Error(result.reason === "throttled" ? signInErrors.throttled : signInErrors.invalid);
          return { id: result.staffId, sessionId: result.sessionId };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        // Only ids travel in the token; role and status are read from the database per request.
        if (user && "sessionId" in user) token.sid = String(user.sessionId);
        return token;
      },
      session({ session }) {
        return { expires: session.expires };
      },
    },
    events: {
      async signOut({ token }) {
        const sessionId = typeof token?.sid === "string" ? token.sid : null;
        if (!sessionId || !token.sub) return;
        await signOut(database().db, { sessionId, staffId: token.sub }, { correlationId: null, ip: null, userAgent: null });
      },
    },
    logger: {
      error: (code) => logger.error({ code }, "next-auth error"),
      warn: (code) => logger.warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
  };
}
