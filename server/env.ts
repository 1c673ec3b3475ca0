import "server-only";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Connection of the least-privileged application role (INSERT/SELECT only on append-only tables). */
  APP_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
  NEXTAUTH_URL: z.url(),
  /** Extra origins allowed to send mutations, comma separated; NEXTAUTH_URL's origin is always allowed. */
  ALLOWED_ORIGINS: z.string().default(""),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1000).default(20),
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Proxies in front of the app that append to X-Forwarded-For; 0 means Next.js itself is the edge. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  METRICS_TOKEN: z.string().min(16).optional(),
  DEMO_MODE: booleanFlag.default(false),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Validated once, on first use, so a misconfigured process fails loudly at start-up. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

export function allowedOrigins(): Set<string> {
  const config = env();
  const origins = new Set([new URL(config.NEXTAUTH_URL).origin]);
  for (const origin of config.ALLOWED_ORIGINS.split(",")) {
    if (origin.trim()) origins.add(new URL(origin.trim()).origin);
  }
  return origins;
}
