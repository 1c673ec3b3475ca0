import type { ReactNode } from "react";
import { cn } from "@/lib/cn";
import type { PolicyRule } from "@/server/approvals/schemas";
import { Badge } from "../ui/badge";
import { reasonLabels } from "./approval-format";

export interface PolicyDoc {
  rules: PolicyRule[];
  dailyCaps: Record<string, string>;
  expiryHours: number;
}

/** A rule's conditions in one line; a rule without any is the catch-all. */
export function conditionsText(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.currency) parts.push(rule.currency);
  if (rule.minAmount && rule.maxAmount) parts.push(`${rule.minAmount} to ${rule.maxAmount}`);
  else if (rule.minAmount) parts.push(`at least ${rule.minAmount}`);
  else if (rule.maxAmount) parts.push(`up to ${rule.maxAmount}`);
  if (rule.reasonCodes) parts.push(`reason ${rule.reasonCodes.map((code) => reasonLabels[code]).join(" or ")}`);
  if (rule.accountTypes) parts.push(`${rule.accountTypes.join(" or ")} accounts`);
  return parts.length > 0 ? parts.join(" · ") : "Anything (catch-all)";
}

const ruleCells: { header: string; text: (rule: PolicyRule) => string }[] = [
  { header: "Description", text: (rule) => rule.description },
  { header: "Applies to", text: conditionsText },
  { header: "Approvals", text: (rule) => (rule.approvalsRequired === 1 ? "1 checker" : "2 checkers") },
  { header: "Approver roles", text: (rule) => rule.approverRoles.join(", ") },
];

const th = "border-b border-slate-200 px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-600";
const td = "border-b border-slate-100 px-3 py-1.5 align-top";

/** The rules in the order they are tried: the first rule whose conditions all hold decides. */
export function PolicyRulesTable({ rules, caption }: { rules: PolicyRule[]; caption: string }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={cn(th, "text-right")}>
              #
            </th>
            <th scope="col" className={th}>
              Rule
            </th>
            {ruleCells.map((cell) => (
              <th key={cell.header} scope="col" className={th}>
                {cell.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, index) => (
            <tr key={rule.id}>
              <td className={cn(td, "text-right tabular-nums text-slate-600")}>{index + 1}</td>
              <td className={cn(td, "font-mono text-xs")}>{rule.id}</td>
              {ruleCells.map((cell) => (
                <td key={cell.header} className={td}>
                  {cell.text(rule)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Changed({ before, after }: { before: string; after: string }) {
  if (before === after) return <>{after}</>;
  return (
    <span className="flex flex-col">
      <del className="text-rose-800">
        <span className="sr-only">was </span>
        {before}
      </del>
      <ins className="font-medium text-emerald-800 no-underline">
        <span className="sr-only">now </span>
        {after}
      </ins>
    </span>
  );
}

type RuleChange = { id: string; status: "added" | "removed" | "changed" | "unchanged"; before: PolicyRule | undefined; after: PolicyRule | undefined; position: string };

function ruleChanges(before: PolicyDoc, after: PolicyDoc): RuleChange[] {
  const previous = new Map(before.rules.map((rule, index) => [rule.id, { rule, index }]));
  const changes: RuleChange[] = after.rules.map((rule, index) => {
    const old = previous.get(rule.id);
    if (!old) return { id: rule.id, status: "added", before: undefined, after: rule, position: `${index + 1}` };
    const same = JSON.stringify(old.rule) === JSON.stringify(rule) && old.index === index;
    return { id: rule.id, status: same ? "unchanged" : "changed", before: old.rule, after: rule, position: old.index === index ? `${index + 1}` : `${index + 1} (was ${old.index + 1})` };
  });
  for (const [id, old] of previous) {
    if (!after.rules.some((rule) => rule.id === id)) changes.push({ id, status: "removed", before: old.rule, after: undefined, position: `was ${old.index + 1}` });
  }
  return changes;
}

const statusTones = { added: "success", removed: "danger", changed: "warning", unchanged: "neutral" } as const;

/** A proposed policy beside the version it would replace: every rule, cap and setting, changes marked. */
export function PolicyDiff({ before, after, beforeLabel }: { before: PolicyDoc; after: PolicyDoc; beforeLabel: string }) {
  const changes = ruleChanges(before, after);
  const currencies = [...new Set([...Object.keys(before.dailyCaps), ...Object.keys(after.dailyCaps)])].sort();
  const changedCaps = currencies.filter((code) => before.dailyCaps[code] !== after.dailyCaps[code]);
  const changedRules = changes.filter((change) => change.status !== "unchanged");
  const total = changedRules.length + changedCaps.length + (before.expiryHours === after.expiryHours ? 0 : 1);
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-slate-700" role="status">
        {total === 0 ? `No differences from ${beforeLabel}.` : `${total} ${total === 1 ? "change" : "changes"} from ${beforeLabel}: `}
        {[...changedRules.map((change) => `rule ${change.id} ${change.status}`), ...changedCaps.map((code) => `daily cap ${code} changed`), ...(before.expiryHours === after.expiryHours ? [] : ["expiry changed"])].join("; ")}
        {total === 0 ? "" : "."}
      </p>
      <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">Rules, proposed against {beforeLabel}</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={cn(th, "text-right")}>
                #
              </th>
              <th scope="col" className={th}>
                Rule
              </th>
              <th scope="col" className={th}>
                Change
              </th>
              {ruleCells.map((cell) => (
                <th key={cell.header} scope="col" className={th}>
                  {cell.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.id} className={cn(change.status === "removed" && "bg-rose-50/60", change.status === "added" && "bg-emerald-50/60", change.status === "changed" && "bg-amber-50/60")}>
                <td className={cn(td, "whitespace-nowrap text-right tabular-nums text-slate-700")}>{change.position}</td>
                <td className={cn(td, "font-mono text-xs")}>{change.id}</td>
                <td className={td}>
                  <Badge tone={statusTones[change.status]}>{change.status}</Badge>
                </td>
                {ruleCells.map((cell) => (
                  <td key={cell.header} className={td}>
                    {diffCell(change, cell.text)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr]">
        <SmallTable caption={`Daily caps per maker, proposed against ${beforeLabel}`} headers={["Currency", "Daily cap per maker"]}>
          {currencies.map((code) => (
            <tr key={code} className={cn(changedCaps.includes(code) && "bg-amber-50/60")}>
              <td className={cn(td, "font-mono text-xs")}>{code}</td>
              <td className={cn(td, "tabular-nums")}>
                <Changed before={before.dailyCaps[code] ?? "none"} after={after.dailyCaps[code] ?? "none"} />
              </td>
            </tr>
          ))}
        </SmallTable>
        <SmallTable caption={`Expiry, proposed against ${beforeLabel}`} headers={["Requests expire after"]}>
          <tr className={cn(before.expiryHours !== after.expiryHours && "bg-amber-50/60")}>
            <td className={cn(td, "tabular-nums")}>
              <Changed before={`${before.expiryHours} hours`} after={`${after.expiryHours} hours`} />
            </td>
          </tr>
        </SmallTable>
      </div>
    </div>
  );
}

function diffCell(change: RuleChange, text: (rule: PolicyRule) => string): ReactNode {
  if (change.status === "removed" && change.before) return <del className="text-rose-800">{text(change.before)}</del>;
  if (!change.after) return null;
  if (!change.before) return text(change.after);
  return <Changed before={text(change.before)} after={text(change.after)} />;
}

function SmallTable({ caption, headers, children }: { caption: string; headers: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {headers.map((header) => (
              <th key={header} scope="col" className={th}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
