"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Button } from "./button";

/** A native modal dialog: focus is trapped by the browser and Escape closes it. */
export function Dialog({ open, onClose, title, wide = false, children }: { open: boolean; onClose: () => void; title: string; wide?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Unique per dialog: with a fixed id, a page with two dialogs named both after the first one.
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby={titleId} className={cn("m-auto w-full rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40", wide ? "max-w-2xl" : "max-w-md")}>
      <div className="p-5">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <div className="mt-3">{open ? children : null}</div>
      </div>
    </dialog>
  );
}

/**
 * The last rows of a dialog's form: the error no field shows (when there is one), then the way out
 * and the submit button, right-aligned.
 */
export function DialogActions({
  error = null,
  onCancel,
  cancelLabel = "Cancel",
  submitLabel,
  variant = "primary",
  disabled = false,
  className,
}: {
  error?: string | null;
  onCancel: () => void;
  cancelLabel?: string;
  submitLabel: ReactNode;
  variant?: "primary" | "danger";
  disabled?: boolean;
  className?: string;
}) {
  return (
    <>
      {error ? (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      ) : null}
      <div className={cn("flex justify-end gap-2", className)}>
        <Button variant="ghost" onClick={onCancel}>
          {cancelLabel}
        </Button>
        <Button type="submit" variant={variant} disabled={disabled}>
          {submitLabel}
        </Button>
      </div>
    </>
  );
}
