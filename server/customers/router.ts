import { mutation, query, router } from "../trpc/procedures";
import { getCustomer } from "./queries";
import { revealPii } from "./reveal-pii";
import { customerView, getCustomerInput, revealedPii, revealPiiInput } from "./schemas";

export const customersRouter = router({
  get: query("customer.read")
    .input(getCustomerInput)
    .output(customerView)
    .query(({ ctx, input }) => getCustomer(ctx.db, input.id)),

  revealPii: mutation("pii.reveal", "pii.reveal")
    .input(revealPiiInput)
    .output(revealedPii)
    .mutation(({ ctx, input }) => revealPii(ctx.tx, ctx.audit, input)),
});
