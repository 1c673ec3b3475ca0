import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { signedInCaller } from "@/test/support/callers";
import { can, roles, type Role } from "../auth/permissions";
import type { ProcedureMeta } from "./init";
import { appRouter, createCaller } from "./root";

type AnyProcedure = { _def: { meta?: ProcedureMeta; type: "query" | "mutation" | "subscription" } };
// _def.procedures is typed as the nested router record, but at run time it is flat ("auth.me": procedure).
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

// Procedures that every signed-in person may call, about themselves only. Adding one here is a
// deliberate, reviewed decision; anything else must name a permission.
const selfServiceProcedures = new Set(["auth.me", "auth.signOut"]);

function call(caller: ReturnType<typeof createCaller>, path: string): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(undefined);
}

describe("every procedure declares its access", () => {
  it("has procedures to check", () => {
    expect(procedures.length).toBeGreaterThan(5);
  });

  it.each(procedures)("%s declares a permission (or is reviewed self-service)", (path, procedure) => {
    const meta = procedure._def.meta;
    expect(meta, `${path} has no access declaration`).toBeDefined();
    if (meta?.access === "permission") expect(meta.permission).toBeTruthy();
    else expect(selfServiceProcedures.has(path), `${path} is ${meta?.access} but not in the reviewed list`).toBe(true);
  });

  it.each(procedures.filter(([, p]) => p._def.type === "mutation"))("%s (mutation) declares its audit action", (_path, procedure) => {
    const meta = procedure._def.meta;
    expect(meta && "auditAction" in meta ? meta.auditAction : undefined).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});

describe("each role is allowed exactly what the map grants", () => {
  let database: TestDatabase;
  const callers = new Map<Role, ReturnType<typeof createCaller>>();

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const role of roles) callers.set(role, (await signedInCaller(database.app.db, role)).caller);
  });
  afterAll(() => database.drop());

  const matrix = procedures
    .filter(([, p]) => p._def.meta?.access === "permission")
    .flatMap(([path, p]) => roles.map((role) => [path, role, p._def.meta] as const));

  it.each(matrix)("%s as %s", async (path, role, meta) => {
    const caller = callers.get(role);
    if (!caller || meta?.access !== "permission") throw new Error("setup");
    // Called with no input: an allowed role gets past the permission check and fails on input
    // (or succeeds); a denied role is stopped before input is even read.
    const outcome = await call(caller, path).then(
      () => "ok",
      (error: unknown) => (error instanceof TRPCError ? error.code : "other"),
    );
    if (can(role, meta.permission)) expect(outcome).not.toBe("FORBIDDEN");
    else expect(outcome).toBe("FORBIDDEN");
  });

  it("refuses every permissioned procedure without a session", async () => {
    const anonymous = createCaller({ db: database.app.db, session: null, request: { correlationId: null, ip: null, userAgent: null } });
    for (const [path] of procedures) {
      await expect(call(anonymous, path)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("records each denied access in the audit trail", async () => {
    const rows = await database.owner`select count(*)::int as n from audit_events where action = 'access.denied' and outcome = 'denied'`;
    const denials = matrix.filter(([, role, meta]) => meta?.access === "permission" && !can(role, meta.permission)).length;
    expect(rows[0]?.n).toBe(denials);
  });
});
