"use client";

import type { FormEvent } from "react";
import { adjustmentReasons, approvalKinds, approvalStatuses } from "@/server/approvals/schemas";
import { currencyCodes } from "@/server/money";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import { reasonLabels } from "./approval-format";
import type { QueueFilters, QueueState } from "./queue-state";

function pick<T extends string>(options: readonly T[], value: string | null): T | null {
  return options.find((option) => option === value) ?? null;
}

/** The All tab's filters; Enter in any field applies them all, and the URL keeps them. */
export function QueueFiltersForm({ state, errors, onApply, onClear }: { state: QueueState; errors: Record<string, string>; onApply: (filters: QueueFilters) => void; onClear: () => void }) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
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
  }

  return (
    <form onSubmit={submit} aria-label="Request filters" className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 xl:grid-cols-[repeat(8,minmax(0,1fr))_auto]">
      <SelectField label="Status" name="status" defaultValue={state.status ?? ""} error={errors.status}>
        <option value="">Any status</option>
        {approvalStatuses.map((status) => (
          <option key={status} value={status}>
            {status}
          </option>
        ))}
      </SelectField>
      <SelectField label="Kind" name="kind" defaultValue={state.kind ?? ""} error={errors.kind}>
        <option value="">Any kind</option>
        <option value="adjustment">Adjustment</option>
        <option value="policy_change">Policy change</option>
        <option value="monitor_threshold">Monitor threshold</option>
      </SelectField>
      <SelectField label="Reason" name="reason" defaultValue={state.reason ?? ""} error={errors.reasonCode}>
        <option value="">Any reason</option>
        {adjustmentReasons.map((reason) => (
          <option key={reason} value={reason}>
            {reasonLabels[reason]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Currency" name="currency" defaultValue={state.currency ?? ""} error={errors.currency}>
        <option value="">Any currency</option>
        {currencyCodes.map((code) => (
          <option key={code} value={code}>
            {code}
          </option>
        ))}
      </SelectField>
      <TextField label="Amount min" name="amountMin" inputMode="decimal" defaultValue={state.amountMin ?? ""} error={errors.amountMin} placeholder="0.00" autoComplete="off" />
      <TextField label="Amount max" name="amountMax" inputMode="decimal" defaultValue={state.amountMax ?? ""} error={errors.amountMax} placeholder="1250.00" autoComplete="off" />
      <TextField label="Maker id" name="maker" defaultValue={state.maker ?? ""} error={errors.makerId} autoComplete="off" spellCheck={false} />
      <TextField label="Older than (hours)" name="olderThan" inputMode="numeric" defaultValue={state.olderThan?.toString() ?? ""} error={errors.olderThanHours} placeholder="24" autoComplete="off" />
      <div className="flex items-end gap-2">
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        <Button variant="ghost" onClick={onClear}>
          Clear
        </Button>
      </div>
    </form>
  );
}
