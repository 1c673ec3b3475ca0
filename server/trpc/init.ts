import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Permission } from "../auth/permissions";
import { DomainError } from "../errors";
import { transformer } from "./transformer";
import type { Context } from "./context";

/**
 * What every procedure declares about itself. The permission test enumerates the router and
 * fails on any procedure without an access declaration.
 */
export type ProcedureMeta =
  | { access: "public" }
  | { access: "authenticated"; auditAction?: string }
  | { access: "permission"; permission: Permission; auditAction?: string };

function fieldErrorsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.join(".") : "input";
    fields[path] ??= issue.message;
  }
  return fields;
}

export const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      if (cause instanceof ZodError) {
        const fieldErrors = fieldErrorsOf(cause);
        const message = Object.entries(fieldErrors).map(([field, text]) => `${field}: ${text}`).join("; ");
        return { ...shape, message, data: { ...shape.data, stack: undefined, fieldErrors, domainCode: "VALIDATION" } };
      }
      if (cause instanceof DomainError) {
        const fieldErrors = cause.field ? { [cause.field]: cause.message } : undefined;
        return { ...shape, data: { ...shape.data, stack: undefined, fieldErrors, domainCode: cause.code } };
      }
      if (error.code === "INTERNAL_SERVER_ERROR") {
        return { ...shape, message: "Something went wrong on our side. It has been logged.", data: { ...shape.data, stack: undefined } };
      }
      return { ...shape, data: { ...shape.data, stack: undefined } };
    },
  });

export { TRPCError };
