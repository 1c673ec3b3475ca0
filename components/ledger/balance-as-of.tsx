"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { parseAsString, useQueryState } from "nuqs";
import type { FormEvent } from "react";
import { utcInputMessage, utcIsoFromInput } from "@/lib/time";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { UtcTimeField } from "../ui/utc-time-field";
import { UtcTime } from "../ui/time";
import { Amount } from "./amount";

/** The balance as it stood at a moment (UTC), from the ledger's running balances; kept in the URL. */
export function BalanceAsOf({ accountId, currency, entryCount }: { accountId: string; currency: string; entryCount: number }) {
  const trpc = useTRPC();
  const [asOf, setAsOf] = useQueryState("asOf", parseAsString.withOptions({ history: "push" }));
  const at = utcIsoFromInput(asOf);
  const result = useQuery(trpc.ledger.balanceAsOf.queryOptions(at ? { accountId, at } : skipToken));
  const fieldError = fieldErrorsOf(result.error).at ?? (asOf && !at ? utcInputMessage : undefined);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("asOf") ?? "").trim();
    void setAsOf(value === "" ? null : value);
  }

  return (
    <section aria-labelledby="as-of-heading" className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-4">
      <h2 id="as-of-heading" className="text-sm font-semibold">
        Balance as of a moment
      </h2>
      <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
        <form onSubmit={submit} className="flex items-end gap-2" aria-label="Balance as of">
          <UtcTimeField key={asOf ?? ""} label="Balance as of (UTC)" name="asOf" defaultValue={asOf} error={fieldError} required />
          <Button type="submit" variant="secondary">
            Show balance
          </Button>
        </form>
        <div role="status" aria-live="polite" className="min-h-9 text-sm">
          {at && result.isPending ? <span className="text-slate-500">Reading the ledger…</span> : null}
          {result.error && !fieldErrorsOf(result.error).at ? <span className="text-rose-700">{errorMessage(result.error)}</span> : null}
          {result.data ? (
            <div className="flex flex-col">
              <span>
                At <UtcTime value={result.data.at} />: <Amount value={result.data.balance} currency={currency} className="text-base font-semibold" />
              </span>
              <span className="text-xs text-slate-600">
                Includes {result.data.entryCount.toLocaleString("en-US")} of {entryCount.toLocaleString("en-US")} entries
                {result.data.lastEntryAt ? (
                  <>
                    ; the last one booked <UtcTime value={result.data.lastEntryAt} />
                  </>
                ) : (
                  "; nothing was booked by then"
                )}
                .
              </span>
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}
