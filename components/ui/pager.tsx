import type { ReactNode } from "react";
import { Button } from "./button";
import type { CursorTrail } from "./use-cursor-trail";

interface PagerProps<C> {
  /** The accessible name of the page navigation ("Pages", "Statement pages"). */
  label: string;
  summary: ReactNode;
  backLabel: string;
  forwardLabel: string;
  /** The way back (useCursorTrail or useLocalCursorTrail). */
  trail: CursorTrail<C>;
  /** The cursor of the page after this one, or null/undefined on the last page. */
  next: C | null | undefined;
}

/** Keyset paging: back along the trail the reader came, forward from the last row's cursor. */
export function Pager<C>({ label, summary, backLabel, forwardLabel, trail, next }: PagerProps<C>) {
  return (
    <nav aria-label={label} className="flex items-center justify-between text-sm">
      <span className="text-slate-600">{summary}</span>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={!trail.canGoBack} onClick={trail.back}>
          {backLabel}
        </Button>
        <Button variant="secondary" size="sm" disabled={next === null || next === undefined} onClick={() => next !== null && next !== undefined && trail.forward(next)}>
          {forwardLabel}
        </Button>
      </div>
    </nav>
  );
}
