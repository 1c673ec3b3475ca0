"use client";

import { Line, LineChart, YAxis } from "recharts";

const stroke = { ok: "#047857", warning: "#b45309", critical: "#be123c", unknown: "#64748b" } as const;

/** Recent readings as a small line, oldest left; decorative beside the number it sits next to. */
export function Sparkline({ points, state, width = 120, height = 32 }: { points: { value: string | null; checkedAt: Date }[]; state: keyof typeof stroke; width?: number; height?: number }) {
  const data = points.map((point) => ({ t: point.checkedAt.getTime(), v: point.value === null ? null : Number(point.value) }));
  if (data.filter((point) => point.v !== null).length < 2) return <span className="text-xs text-slate-500">Not enough history yet</span>;
  return (
    <div aria-hidden="true">
      <LineChart width={width} height={height} data={data} margin={{ top: 2, right: 2, bottom: 2, left: 2 }} accessibilityLayer={false} tabIndex={-1}>
        <YAxis hide domain={["dataMin", "dataMax"]} />
        <Line type="monotone" dataKey="v" stroke={stroke[state]} strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </div>
  );
}
