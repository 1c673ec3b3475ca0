import Link from "next/link";
import { QuickSearch } from "@/components/ledger/quick-search";
import { navigation } from "@/components/shell/navigation";
import { requireSignedIn } from "@/server/auth/page-access";
import { permissionCatalogue, permissionsOf, roleLabels } from "@/server/auth/permissions";

export default async function OverviewPage() {
  const session = await requireSignedIn("/");
  const granted = [...permissionsOf(session.role)];
  const pages = navigation.filter((item) => item.href !== "/" && (item.permission === null || granted.includes(item.permission)));
  return (
    <div className="max-w-4xl">
      <h1 className="text-xl font-semibold">Welcome, {session.displayName}</h1>
      <p className="mt-1 text-sm text-slate-600">
        Signed in as {roleLabels[session.role]}. Everything you do here is recorded in the audit trail.
      </p>
      {granted.includes("ledger.read") ? <QuickSearch /> : null}
      {pages.length > 0 ? (
        <section aria-labelledby="your-pages" className="mt-6">
          <h2 id="your-pages" className="text-sm font-semibold text-slate-800">
            Your workspaces
          </h2>
          <ul className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2">
            {pages.map((item) => (
              <li key={item.href}>
                <Link href={item.href} className="block rounded-md border border-slate-200 bg-white px-4 py-3 text-sm font-medium hover:border-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600">
                  {item.label}
                  {item.permission ? <span className="mt-0.5 block text-xs font-normal text-slate-500">{permissionCatalogue[item.permission]}</span> : null}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="your-permissions" className="mt-6">
        <h2 id="your-permissions" className="text-sm font-semibold text-slate-800">
          Your permissions
        </h2>
        <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200 bg-white text-sm">
          {granted.map((permission) => (
            <li key={permission} className="flex items-baseline justify-between gap-4 px-4 py-2">
              <code className="font-mono text-xs text-slate-800">{permission}</code>
              <span className="text-right text-slate-600">{permissionCatalogue[permission]}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
