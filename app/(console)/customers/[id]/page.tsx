import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CustomerDetail } from "@/components/customers/customer-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";
import { uuidPattern } from "@/lib/uuid";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidPattern.test(id)) notFound();
  const access = await pageAccess("customer.read", `/customers/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <CustomerDetail id={id.toLowerCase()} />;
}
