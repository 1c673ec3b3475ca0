import { z } from "zod";
import { permissionsOf, roles, type Permission } from "./permissions";
import { revokeSession } from "./sessions";
import { router, selfMutation, selfQuery } from "../trpc/procedures";

const meView = z.object({
  staffId: z.uuid(),
  displayName: z.string(),
  role: z.enum(roles),
  permissions: z.array(z.string()),
});

export const authRouter = router({
  me: selfQuery
    .input(z.strictObject({}).optional())
    .output(meView)
    .query(({ ctx }) => ({
      staffId: ctx.session.staffId,
      displayName: ctx.session.displayName,
      role: ctx.session.role,
      permissions: [...permissionsOf(ctx.session.role)] as Permission[],
    })),

  /** Ends this session on the server; the browser then clears its cookie through next-auth. */
  signOut: selfMutation("auth.sign_out")
    .input(z.strictObject({}).optional())
    .output(z.object({ revoked: z.boolean() }))
    .mutation(async ({ ctx }) => {
      ctx.audit.target("session", ctx.session.sessionId);
      return { revoked: await revokeSession(ctx.tx, ctx.session.sessionId, "signed_out") };
    }),
});
