import { Search } from "lucide-react";
import { Button } from "../ui/button";

/** A plain GET form into the transaction search, so it works before any script has loaded. */
export function QuickSearch() {
  return (
    <form action="/transactions" method="get" role="search" aria-label="Find a transaction" className="mt-6 flex max-w-2xl items-end gap-2">
      <div className="flex flex-1 flex-col gap-1">
        <label htmlFor="overview-search" className="text-xs font-medium text-slate-700">
          Find a transaction or customer
        </label>
        <input
          id="overview-search"
          name="q"
          type="search"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="Transaction id, provider reference, correlation id, customer reference or email"
          className="h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm shadow-xs placeholder:text-slate-400 focus-visible:outline-2 focus-visible:outline-indigo-600"
        />
      </div>
      <Button type="submit">
        <Search className="size-4" aria-hidden /> Search
      </Button>
    </form>
  );
}
