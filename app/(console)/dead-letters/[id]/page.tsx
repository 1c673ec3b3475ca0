import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DeadLetterDetail } from "@/components/deadletters/dead-letter-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";
import { uuidPattern } from "@/lib/uuid";

export const metadata: Metadata = { title: "Dead letter" };

export default async function DeadLetterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidPattern.test(id)) notFound();
  const access = await pageAccess("deadletter.read", `/dead-letters/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <DeadLetterDetail id={id.toLowerCase()} />;
}
