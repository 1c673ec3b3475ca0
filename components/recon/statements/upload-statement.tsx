"use client";

import Link from "next/link";
import Papa from "papaparse";
import { useRef, useState, type FormEvent } from "react";
import { formatAmountDisplay, MoneyDecimal } from "@/server/money";
import { formatForProvider, statementBytesMax, statementProviders, statementRowsMax } from "@/server/recon/formats";
import { StatementFileError, StatementReader, type StatementSummary } from "@/server/recon/read-statement";
import { Button } from "../../ui/button";
import { SelectField } from "../../ui/field";
import { ReconcileStatement } from "../runs/reconcile-statement";
import { BadRowsTable } from "./bad-rows-table";

type Phase =
  | { step: "idle" }
  | { step: "parsing"; percent: number; rows: number }
  | { step: "uploading"; percent: number; summary: StatementSummary }
  | { step: "done"; summary: StatementSummary; result: UploadAnswer; provider: string }
  | { step: "refused"; message: string; summary: StatementSummary | null };

interface UploadAnswer {
  duplicate: boolean;
  import: { id: string; status: "accepted" | "rejected"; rowCount: number; acceptedRows: number; rejectedRows: number; errors: { row: number; field: string; reason: string }[]; periodFrom: string | null; periodTo: string | null; fileName: string };
}

/** Progress in whole percent of bytes (not money). */
function percentOf(doneBytes: number, sizeBytes: number): number {
  return Math.min(100, Math.round((doneBytes / Math.max(sizeBytes, 1)) * 100));
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Reads the file in the browser with papaparse, chunk by chunk, reporting progress; the server re-reads and decides. */
function parseInBrowser(file: File, provider: string, onProgress: (percent: number, rows: number) => void): Promise<StatementSummary> {
  const format = formatForProvider(provider);
  if (!format) return Promise.reject(new Error("Choose a provider."));
  const reader = new StatementReader(format);
  return new Promise((resolve, reject) => {
    let rows = 0;
    Papa.parse<string[]>(file, {
      delimiter: format.delimiter,
      skipEmptyLines: "greedy",
      chunkSize: 256 * 1024,
      chunk: (result, parser) => {
        try {
          for (const cells of result.data) {
            if (!reader.headerRead) reader.header(cells);
            else {
              reader.row(cells);
              rows += 1;
            }
          }
        } catch (error) {
          parser.abort();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        onProgress(percentOf(result.meta.cursor, file.size), rows);
      },
      complete: () => {
        try {
          resolve(reader.summary());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      error: (error) => reject(error),
    });
  });
}

function upload(file: File, provider: string, onProgress: (percent: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/recon/statements?provider=${encodeURIComponent(provider)}&fileName=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("content-type", "text/csv");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(percentOf(event.loaded, event.total));
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText) as unknown;
      } catch {
        body = null;
      }
      resolve({ status: request.status, body });
    };
    request.onerror = () => reject(new Error("The upload failed: the server could not be reached."));
    request.send(file);
  });
}

export function UploadStatement() {
  const [provider, setProvider] = useState(statementProviders[0] ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const fileInput = useRef<HTMLInputElement>(null);
  const format = formatForProvider(provider);
  const busy = phase.step === "parsing" || phase.step === "uploading";

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    if (file.size > statementBytesMax) {
      setPhase({ step: "refused", message: `The file is ${megabytes(file.size)}; statements are limited to ${megabytes(statementBytesMax)}.`, summary: null });
      return;
    }
    setPhase({ step: "parsing", percent: 0, rows: 0 });
    let summary: StatementSummary;
    try {
      summary = await parseInBrowser(file, provider, (percent, rows) => setPhase({ step: "parsing", percent, rows }));
    } catch (error) {
      setPhase({ step: "refused", message: error instanceof StatementFileError || error instanceof Error ? error.message : "The file could not be read.", summary: null });
      return;
    }
    setPhase({ step: "uploading", percent: 0, summary });
    try {
      const answer = await upload(file, provider, (percent) => setPhase({ step: "uploading", percent, summary }));
      if (answer.status === 200 || answer.status === 201) setPhase({ step: "done", summary, result: answer.body as UploadAnswer, provider });
      else {
        const message = (answer.body as { error?: { message?: string } } | null)?.error?.message ?? `The server refused the file (HTTP ${answer.status}).`;
        setPhase({ step: "refused", message, summary });
      }
    } catch (error) {
      setPhase({ step: "refused", message: error instanceof Error ? error.message : "The upload failed.", summary });
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <header>
        <h1 className="text-xl font-semibold">Upload a provider statement</h1>
        <p className="text-sm text-slate-600">
          The file is checked row by row. <strong>One bad row rejects the whole file</strong>: nothing of it is imported, and the bad rows are listed with their row number, column and reason. Limits: {statementRowsMax.toLocaleString("en-GB")} rows and {megabytes(statementBytesMax)}. The same file uploaded again returns the earlier import.
        </p>
      </header>

      <form onSubmit={(event) => void submit(event)} className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-4" aria-label="Statement upload">
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField label="Provider" value={provider} disabled={busy} onChange={(event) => setProvider(event.target.value)}>
            {statementProviders.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </SelectField>
          <div className="flex flex-col gap-1">
            <label htmlFor="statement-file" className="text-xs font-medium text-slate-700">
              Statement file (CSV)
            </label>
            <input
              ref={fileInput}
              id="statement-file"
              type="file"
              accept=".csv,text/csv,text/plain"
              disabled={busy}
              className="text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setPhase({ step: "idle" });
              }}
            />
          </div>
        </div>
        {format ? (
          <p className="text-xs text-slate-600">
            {provider} statements are read as <strong>{format.label}</strong>: columns {Object.values(format.headers).map((header) => `"${header}"`).join(format.delimiter === ";" ? "; " : ", ")} (covers and description optional).
          </p>
        ) : null}
        <div>
          <Button type="submit" disabled={!file || busy}>
            {busy ? "Working…" : "Check and upload"}
          </Button>
        </div>
      </form>

      {phase.step === "parsing" ? <Progress label="Reading the file" percent={phase.percent} detail={`${phase.rows.toLocaleString("en-GB")} rows read`} /> : null}
      {phase.step === "uploading" ? <Progress label="Uploading and importing" percent={phase.percent} detail="The server checks every row again and imports the file in one transaction." /> : null}
      {phase.step === "refused" ? (
        <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800">
          <p className="font-medium">The file was refused; nothing was imported.</p>
          <p>{phase.message}</p>
        </div>
      ) : null}
      {phase.step === "done" ? <ImportOutcome summary={phase.summary} answer={phase.result} provider={phase.provider} /> : null}
    </div>
  );
}

function Progress({ label, percent, detail }: { label: string; percent: number; detail: string }) {
  return (
    <div className="flex flex-col gap-1 rounded-md border border-slate-200 bg-white p-4">
      <div className="flex justify-between text-sm">
        <span id="statement-progress-label">{label}</span>
        <span className="tabular-nums">{percent}%</span>
      </div>
      <div role="progressbar" aria-labelledby="statement-progress-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 overflow-hidden rounded bg-slate-100">
        <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-slate-600">{detail}</p>
    </div>
  );
}

function ImportOutcome({ summary, answer, provider }: { summary: StatementSummary; answer: UploadAnswer; provider: string }) {
  const accepted = answer.import.status === "accepted";
  return (
    <section aria-label="Import summary" className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-4">
      <h2 className="text-base font-semibold">{accepted ? "Statement imported" : "Statement rejected"}</h2>
      {answer.duplicate ? <p className="text-sm text-amber-800">This exact file was uploaded before: this is that import, nothing new was written.</p> : null}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <dt className="text-slate-600">Rows</dt>
        <dd className="tabular-nums">{answer.import.rowCount.toLocaleString("en-GB")}</dd>
        <dt className="text-slate-600">Valid rows</dt>
        <dd className="tabular-nums">{answer.import.acceptedRows.toLocaleString("en-GB")}</dd>
        <dt className="text-slate-600">Bad rows</dt>
        <dd className="tabular-nums">{answer.import.rejectedRows.toLocaleString("en-GB")}</dd>
        <dt className="text-slate-600">Period</dt>
        <dd>{answer.import.periodFrom && answer.import.periodTo ? `${answer.import.periodFrom} to ${answer.import.periodTo}` : "none"}</dd>
      </dl>
      {accepted ? (
        <table className="w-full max-w-md text-sm">
          <caption className="text-left text-xs font-medium uppercase tracking-wide text-slate-600">Totals per currency</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600">
              <th scope="col">Currency</th>
              <th scope="col" className="text-right">Lines</th>
              <th scope="col" className="text-right">Amount</th>
            </tr>
          </thead>
          <tbody>
            {summary.totals.map((total) => (
              <tr key={total.currency}>
                <td>{total.currency}</td>
                <td className="text-right tabular-nums">{total.lines.toLocaleString("en-GB")}</td>
                <td className="text-right tabular-nums">
                  {formatAmountDisplay(new MoneyDecimal(total.amount), total.currency)} {total.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <BadRowsTable errors={answer.import.errors} total={answer.import.rejectedRows} />
      )}
      {accepted ? <ReconcileStatement importId={answer.import.id} provider={provider} /> : null}
      <div className="flex gap-3 text-sm">
        <Link className="text-indigo-700 underline" href={`/reconciliation/statements/${answer.import.id}`}>
          Open the import
        </Link>
        {accepted ? (
          <Link className="text-indigo-700 underline" href="/reconciliation">
            Run a reconciliation
          </Link>
        ) : null}
      </div>
    </section>
  );
}
