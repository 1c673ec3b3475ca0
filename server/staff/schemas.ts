import { z } from "zod";
import { roles } from "../auth/permissions";
import { passwordMaxLength, passwordMinLength } from "../auth/password-rules";

export const staffRoleSchema = z.enum(roles);
export const staffPageSizeMax = 200;

export const listStaffInput = z.strictObject({
  status: z.enum(["active", "disabled"]).optional(),
  role: staffRoleSchema.optional(),
  limit: z.number().int().min(1).max(staffPageSizeMax).default(100),
  /** Keyset cursor: the id of the last row of the previous page. */
  afterId: z.uuid().optional(),
});

export const staffView = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: staffRoleSchema,
  status: z.enum(["active", "disabled"]),
  createdAt: z.date(),
  disabledAt: z.date().nullable(),
  lastSeenAt: z.date().nullable(),
});
export type StaffView = z.infer<typeof staffView>;

export const staffPage = z.object({ items: z.array(staffView), nextAfterId: z.uuid().nullable() });

export const createStaffInput = z.strictObject({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, "must be 8-100 letters, digits or _.:-"),
  email: z.email("must be an email address").max(320).transform((value) => value.trim().toLowerCase()),
  displayName: z.string().trim().min(2, "must be at least 2 characters").max(100),
  role: staffRoleSchema,
  initialPassword: z
    .string()
    .min(passwordMinLength, `must be at least ${passwordMinLength} characters`)
    .max(passwordMaxLength),
});
export type CreateStaffInput = z.infer<typeof createStaffInput>;

export const changeStaffRoleInput = z.strictObject({ staffId: z.uuid(), role: staffRoleSchema });
export const disableStaffInput = z.strictObject({
  staffId: z.uuid(),
  reason: z.string().trim().min(5, "must be at least 5 characters").max(500),
});
