"use client";

import { adjustmentReasons, approvalKinds, approvalStatuses } from "@/server/approvals/schemas";
import { currencyCodes } from "@/server/money";
import { TextField } from "../ui/field";
import { ChoiceField, FilterActions, filterSubmit, pick } from "../ui/filter-form";
import { kindLabels, reasonLabels } from "./approval-format";
import type { QueueFilters, QueueState } from "./queue-state";

/** The All tab's filters; Enter in any field applies them all, and the URL keeps them. */
export function QueueFiltersForm({ state, errors, onApply, onClear }: { state: QueueState; errors: Record<string, string>; onApply: (filters: QueueFilters) => void; onClear: () => void }) {
  return (
    <form
      onSubmit={filterSubmit((text) => {
        const olderThan = text("olderThan");
        onApply({
          status: pick(approvalStatuses, text("status")),
          reason: pick(adjustmentReasons, text("reason")),
          kind: pick(approvalKinds, text("kind")),
          currency: text("currency"),
          amountMin: text("amountMin"),
          amountMax: text("amountMax"),
          maker: text("maker"),
          olderThan: olderThan && /^\d{1,5}$/.test(olderThan) ? Number.parseInt(olderThan, 10) : null,
        });
      })}
      aria-label="Request filters"
      className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 xl:grid-cols-[repeat(8,minmax(0,1fr))_auto]"
    >
      <ChoiceField label="Status" name="status" current={state.status} anyLabel="Any status" choices={approvalStatuses} error={errors.status} />
      <ChoiceField label="Kind" name="kind" current={state.kind} anyLabel="Any kind" choices={approvalKinds.map((kind) => ({ value: kind, label: kindLabels[kind] }))} error={errors.kind} />
      <ChoiceField label="Reason" name="reason" current={state.reason} anyLabel="Any reason" choices={adjustmentReasons.map((reason) => ({ value: reason, label: reasonLabels[reason] }))} error={errors.reasonCode} />
      <ChoiceField label="Currency" name="currency" current={state.currency} anyLabel="Any currency" choices={currencyCodes} error={errors.currency} />
      <TextField label="Amount min" name="amountMin" inputMode="decimal" defaultValue={state.amountMin ?? ""} error={errors.amountMin} placeholder="0.00" autoComplete="off" />
      <TextField label="Amount max" name="amountMax" inputMode="decimal" defaultValue={state.amountMax ?? ""} error={errors.amountMax} placeholder="1250.00" autoComplete="off" />
      <TextField label="Maker id" name="maker" defaultValue={state.maker ?? ""} error={errors.makerId} autoComplete="off" spellCheck={false} />
      <TextField label="Older than (hours)" name="olderThan" inputMode="numeric" defaultValue={state.olderThan?.toString() ?? ""} error={errors.olderThanHours} placeholder="24" autoComplete="off" />
      <FilterActions onClear={onClear} />
    </form>
  );
}
