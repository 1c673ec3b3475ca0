import { mutation, query, router } from "../trpc/procedures";
import { changeStaffRole } from "./change-staff-role";
import { createStaff } from "./create-staff";
import { disableStaff } from "./disable-staff";
import { listStaff } from "./queries";
import { changeStaffRoleInput, createStaffInput, disableStaffInput, listStaffInput, staffPage, staffView } from "./schemas";

export const staffRouter = router({
  list: query("staff.manage")
    .input(listStaffInput)
    .output(staffPage)
    .query(({ ctx, input }) => listStaff(ctx.db, input)),

  create: mutation("staff.manage", "staff.create")
    .input(createStaffInput)
    .output(staffView)
    .mutation(({ ctx, input }) => createStaff(ctx.tx, ctx.audit, input)),

  changeRole: mutation("staff.manage", "staff.change_role")
    .input(changeStaffRoleInput)
    .output(staffView)
    .mutation(({ ctx, input }) => changeStaffRole(ctx.tx, ctx.audit, ctx.session.staffId, input)),

  disable: mutation("staff.manage", "staff.disable")
    .input(disableStaffInput)
    .output(staffView)
    .mutation(({ ctx, input }) => disableStaff(ctx.tx, ctx.audit, ctx.session.staffId, input)),
});
