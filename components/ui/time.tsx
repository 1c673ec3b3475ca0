import { formatUtc, relativeAge } from "@/lib/time";

export function UtcTime({ value, showAge = false }: { value: Date; showAge?: boolean }) {
  return (
    <time dateTime={value.toISOString()} className="whitespace-nowrap tabular-nums" title={value.toISOString()}>
      {formatUtc(value)}
      {showAge ? <span className="ml-1 text-slate-500">({relativeAge(value)})</span> : null}
    </time>
  );
}
