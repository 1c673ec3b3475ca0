import "server-only";
import { z } from "zod";
import { parsePublicKey, parseSigningKey, type SigningKey, type TrustedKey } from "./audit/checkpoints/signing-key";

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

/** JSON text in a variable, parsed; a parse failure is a validation issue, not a crash. */
const jsonText = (fallback: string) => z.string().default(fallback).transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: "custom", message: "must be valid JSON" });
    return z.NEVER;
  }
});
/** A Standard Webhooks secret: whsec_ and the base64 of 24 to 64 random bytes. */
const webhookSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, "must be whsec_ followed by the base64 of 24-64 random bytes");
const webhookSecretsSchema = z.record(z.string().regex(/^[a-z0-9-]{2,40}$/, "provider names are 2-40 lower-case letters, digits or dashes"), z.union([webhookSecret, z.array(webhookSecret).min(1).max(3)]));
const subscribersSchema = z
  .array(
    z.strictObject({
      name: z.string().regex(/^[a-z0-9-]{2,40}$/, "must be 2-40 lower-case letters, digits or dashes"),
      url: z.url({ protocol: /^https?$/ }),
      types: z.array(z.string().min(1).max(100)).max(50).optional(),
    }),
  )
  .max(20)
  .refine((list) => new Set(list.map((entry) => entry.name)).size === list.length, "subscriber names must be unique");

/** A key parsed once at start-up; the error never repeats the key material. */
function keyText<T>(parse: (text: string) => T) {
  return z.string().transform((text, context) => {
    try {
      return parse(text);
    } catch (error) {
      context.addIssue({ code: "custom", message: error instanceof Error ? error.message : "is not a valid key" });
      return z.NEVER;
    }
  });
}
const publicKeyList = z.string().transform((text, context) => {
  try {
    return text.split(",").filter((part) => part.trim() !== "").map((part) => parsePublicKey(part));
  } catch (error) {
    context.addIssue({ code: "custom", message: error instanceof Error ? error.message : "is not a list of public keys" });
    return z.NEVER;
  }
});
/** Reconciliation settings; also read on their own by server/recon/env-defaults.ts. */
const reconEnvShape = {
  /** Reconciliation: scheduled runs in the worker, every N minutes per scope (0 turns a scope's schedule off). */
  RECON_SCHEDULE_PAYMENTS_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(5),
  RECON_SCHEDULE_WITHDRAWALS_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(15),
  RECON_SCHEDULE_LEDGER_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(24 * 60),
  /** Default run parameters: date window of an amount + currency match, amount tolerance, stuck thresholds, statement look-back. */
  RECON_DATE_WINDOW_DAYS: z.coerce.number().int().min(0).max(31).default(2),
  RECON_AMOUNT_TOLERANCE: z.string().regex(/^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/, "must be a plain non-negative decimal").default("0"),
  RECON_STUCK_PAYMENT_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  RECON_STUCK_WITHDRAWAL_MINUTES: z.coerce.number().int().min(1).max(30 * 24 * 60).default(240),
  RECON_STATEMENT_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(366).default(7),
};
export const reconEnvSchema = z.object(reconEnvShape);

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
  /**
   * Per-provider Standard Webhooks secrets as JSON: {"acmepay": "whsec_...", "globalpsp": ["whsec_new", "whsec_old"]}.
   * A list verifies against each (secret rotation). A provider not named here is refused.
   */
  WEBHOOK_SECRETS: jsonText("{}").pipe(webhookSecretsSchema),
  /** How far a webhook-timestamp may be from our clock, either way. */
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Our own signing secret for outgoing subscriber webhooks (whsec_ + base64). */
  OUTBOX_SIGNING_SECRET: webhookSecret.optional(),
  /** Subscribers of outbox events as JSON: [{"name": "crm", "url": "https://...", "types": ["payment.failed"]}]. */
  OUTBOX_SUBSCRIBERS: jsonText("[]").pipe(subscribersSchema),
  /** Where integrity alerts are sent (signed like subscriber webhooks, retried through the outbox); none when unset. */
  ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How often the worker checks the integrity monitors. */
  MONITOR_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /**
   * How long the worker's checks reuse a full ledger verification (every entry scanned: seconds at a
   * million transactions, a minute at ten million) before running it again; 0 runs it every check.
   * An operator's "Check now" always verifies afresh.
   */
  LEDGER_VERIFY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(24 * 3600).default(300),
  /** Monitor readings older than this are pruned by the worker (audited); the database keeps at least 30 days. */
  MONITOR_READINGS_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(400),
  WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  WORKER_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Ed25519 private key that signs audit checkpoints: PKCS#8 PEM, or the base64 of its DER bytes. */
  AUDIT_SIGNING_KEY: keyText<SigningKey>(parseSigningKey).optional(),
  /** Earlier checkpoint keys still trusted (after a rotation): SPKI PEM or base64 DER, comma separated. */
  AUDIT_TRUSTED_PUBLIC_KEYS: publicKeyList.optional(),
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(5),
  AUDIT_VERIFY_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  /** A file that receives every checkpoint as a JSON line. */
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  /** A URL that receives every checkpoint as a JSON POST. */
  AUDIT_CHECKPOINT_URL: z.url({ protocol: /^https?$/ }).optional(),
  ...reconEnvShape,
}).refine((config) => config.OUTBOX_SUBSCRIBERS.length === 0 || config.OUTBOX_SIGNING_SECRET !== undefined, {
  path: ["OUTBOX_SIGNING_SECRET"],
  message: "is required when OUTBOX_SUBSCRIBERS names a subscriber",
}).refine((config) => config.ALERT_WEBHOOK_URL === undefined || config.OUTBOX_SIGNING_SECRET !== undefined, {
  path: ["OUTBOX_SIGNING_SECRET"],
  message: "is required when ALERT_WEBHOOK_URL is set",
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

/** The keys checkpoints are verified with: the signing key's own public half and any earlier ones. */
export function auditTrustedKeys(): TrustedKey[] {
  const config = env();
  return [...(config.AUDIT_SIGNING_KEY ? [config.AUDIT_SIGNING_KEY] : []), ...(config.AUDIT_TRUSTED_PUBLIC_KEYS ?? [])];
}

export function allowedOrigins(): Set<string> {
  const config = env();
  const origins = new Set([new URL(config.NEXTAUTH_URL).origin]);
  for (const origin of config.ALLOWED_ORIGINS.split(",")) {
    if (origin.trim()) origins.add(new URL(origin.trim()).origin);
  }
  return origins;
}
