"use client";

import { FileDown } from "lucide-react";
import { useState } from "react";
import { Button } from "../ui/button";

/**
 * Fetches the record's proof bundle and saves it. Fetching first (instead of a plain link) lets a
 * refusal (no checkpoint yet, too far from one) show as a message instead of a saved error file.
 */
export function DownloadProof({ seq }: { seq: number }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });

  async function download() {
    setState({ busy: true, error: null });
    try {
      const response = await fetch(`/api/audit/proof/${seq}`, { headers: { accept: "application/json" } });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setState({ busy: false, error: body?.error?.message ?? `The proof could not be made (HTTP ${response.status}).` });
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = `audit-proof-${seq}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ busy: false, error: null });
    } catch {
      setState({ busy: false, error: "The proof could not be downloaded: the network request failed." });
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="secondary" onClick={() => void download()} disabled={state.busy}>
        <FileDown className="size-4" aria-hidden />
        {state.busy ? "Preparing proof…" : "Download proof"}
      </Button>
      <p className="text-xs text-slate-600">Verify offline: node scripts/verify-proof.mjs audit-proof-{seq}.json</p>
      {state.error ? (
        <p role="alert" className="max-w-md text-right text-sm text-rose-800">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}
