/**
 * The rule for statements that overlap: for each provider and booked date, the newest accepted
 * import whose period covers that date supersedes the older ones. A corrected statement uploaded
 * again (different content, so a new import) therefore replaces the old one's lines on the dates
 * it covers, and the old one's lines outside them still count. "Newest" is the later upload
 * (created_at, then id, which is time-ordered). The rule applies among the imports a run compares.
 */

export interface RunImport {
  id: string;
  provider: string;
  createdAt: string;
  periodFrom: string;
  periodTo: string;
}

/** Dates [from, to] (inclusive) of an import whose lines a run leaves out, and the newer import that covers them. */
export interface SupersededRange {
  importId: string;
  from: string;
  to: string;
  by: string;
}

function newer(a: RunImport, b: RunImport): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

/** Every (older import, newer import) overlap of the same provider, as the older import's dates to leave out. */
export function supersededRanges(imports: RunImport[]): SupersededRange[] {
  const ranges: SupersededRange[] = [];
  for (const older of imports) {
    for (const newest of imports) {
      if (newest.provider !== older.provider || !newer(newest, older)) continue;
      const from = newest.periodFrom > older.periodFrom ? newest.periodFrom : older.periodFrom;
      const to = newest.periodTo < older.periodTo ? newest.periodTo : older.periodTo;
      if (from <= to) ranges.push({ importId: older.id, from, to, by: newest.id });
    }
  }
  return ranges.sort((a, b) => a.importId.localeCompare(b.importId) || a.from.localeCompare(b.from) || a.by.localeCompare(b.by));
}
