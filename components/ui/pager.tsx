import type { ReactNode } from "react";
import { Button } from "./button";

interface PagerProps {
  /** The accessible name of the page navigation ("Pages", "Statement pages"). */
  label: string;
  summary: ReactNode;
  backLabel: string;
  forwardLabel: string;
  canGoBack: boolean;
  canGoForward: boolean;
  onBack: () => void;
  onForward: () => void;
}

/** Keyset paging: back along the trail the reader came, forward from the last row's cursor. */
export function Pager({ label, summary, backLabel, forwardLabel, canGoBack, canGoForward, onBack, onForward }: PagerProps) {
  return (
    <nav aria-label={label} className="flex items-center justify-between text-sm">
      <span className="text-slate-600">{summary}</span>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={!canGoBack} onClick={onBack}>
          {backLabel}
        </Button>
        <Button variant="secondary" size="sm" disabled={!canGoForward} onClick={onForward}>
          {forwardLabel}
        </Button>
      </div>
    </nav>
  );
}
