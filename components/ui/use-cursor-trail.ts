"use client";

import { useState } from "react";

/** Keyset paging's way back: forward goes to the next cursor, back retraces the cursors that led here. */
export interface CursorTrail<C> {
  /** Not on the first page; a page opened from a link (a cursor, no trail) goes back to the first. */
  canGoBack: boolean;
  back: () => void;
  forward: (next: C) => void;
  /** Forgets the way back, for when the filter changes and the pages it led through no longer exist. */
  reset: () => void;
}

/**
 * The trail for a cursor held elsewhere (usually in the URL, so a link reproduces the page):
 * `current` is the cursor of the page on screen and `show` moves to another one.
 */
export function useCursorTrail<C>(current: C | null, show: (cursor: C | null) => void): CursorTrail<C> {
  const [trail, setTrail] = useState<(C | null)[]>([]);
  return {
    canGoBack: current !== null,
    back: () => {
      setTrail(trail.slice(0, -1));
      show(trail.at(-1) ?? null);
    },
    forward: (next) => {
      setTrail([...trail, current]);
      show(next);
    },
    reset: () => setTrail([]),
  };
}

/** The same trail for a list whose cursor lives only on this screen. */
export function useLocalCursorTrail<C>(): CursorTrail<C> & { cursor: C | null } {
  const [cursor, setCursor] = useState<C | null>(null);
  const trail = useCursorTrail(cursor, setCursor);
  return {
    ...trail,
    cursor,
    reset: () => {
      trail.reset();
      setCursor(null);
    },
  };
}
