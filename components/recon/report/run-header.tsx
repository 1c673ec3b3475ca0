"use client";

import type { z } from "zod";
import type { runHeader } from "@/server/recon/report-schemas";
import { Badge } from "../../ui/badge";
import { CopyId } from "../../ui/copy-id";
import { DescriptionList } from "../../ui/description-list";
import { UtcTime } from "../../ui/time";

type RunHeader = z.infer<typeof runHeader>;

/** What the run compared and how: scope, mode, trigger, window, parameters and inputs. */
export function RunHeaderView({ run }: { run: RunHeader }) {
  return (
    <DescriptionList
      className="print:border-0 print:p-0"
      items={[
        ["Run", <CopyId key="id" value={run.id} />],
        ["Scope", <span key="scope" className="inline-flex items-center gap-2">{run.scope}{run.provider ? <span className="text-slate-600">· {run.provider}</span> : null}</span>],
        [
          "Mode and trigger",
          <span key="mode" className="inline-flex items-center gap-2">
            <Badge tone={run.mode === "recorded" ? "info" : "neutral"}>{run.mode === "dry_run" ? "dry run" : "recorded"}</Badge>
            <Badge>{run.trigger}</Badge>
            <Badge tone={run.status === "completed" ? "success" : "danger"}>{run.status}</Badge>
          </span>,
        ],
        ["Window (UTC)", run.windowFrom && run.windowTo ? <span key="window"><UtcTime value={run.windowFrom} /> to <UtcTime value={run.windowTo} /></span> : null],
        ["Finished", <UtcTime key="finished" value={run.finishedAt} showAge />],
        ["Requested by", <span key="by" className="font-mono text-xs">{run.requestedBy}</span>],
        [
          "Parameters",
          Object.keys(run.parameters).length === 0 ? null : (
            <span key="parameters" className="font-mono text-xs">
              {Object.entries(run.parameters).map(([name, value]) => `${name} = ${typeof value === "string" ? value : JSON.stringify(value)}`).join("; ")}
            </span>
          ),
        ],
        [
          "Inputs",
          run.imports.length === 0 ? (
            <span key="inputs" className="text-slate-600">the ledger only</span>
          ) : (
            <ul key="inputs" className="flex flex-col gap-0.5">
              {run.imports.map((item) => (
                <li key={item.id}>
                  <span className="font-medium">{item.fileName}</span> <span className="text-slate-600">({item.provider}, {item.acceptedRows.toLocaleString("en-GB")} of {item.rowCount.toLocaleString("en-GB")} rows accepted)</span>
                </li>
              ))}
            </ul>
          ),
        ],
        ["Failure", run.failureReason],
      ]}
    />
  );
}
