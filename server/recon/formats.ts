/**
 * Provider statement formats: which columns a file has, how its dates and amounts are written, and
 * which words it uses for kinds and statuses. Each provider is read with the one format it is mapped
 * to (providerFormats), so an upload never has to guess. Shared with the browser (the upload page
 * parses and checks the file before sending it): nothing here may import server-only code.
 */

export const statementFields = ["reference", "kind", "status", "amount", "currency", "bookedOn", "covers", "description"] as const;
export type StatementField = (typeof statementFields)[number];

export const statementKinds = ["payment", "withdrawal", "refund", "chargeback", "fee", "settlement"] as const;
export type StatementKind = (typeof statementKinds)[number];

/** Every provider status is read as one of these. */
export const statementStatuses = ["paid", "pending", "failed"] as const;
export type StatementStatus = (typeof statementStatuses)[number];

export interface StatementFormat {
  id: string;
  label: string;
  delimiter: "," | ";";
  /** The header of each field in the file; `covers` and `description` may be absent from a file. */
  headers: Record<StatementField, string>;
  requiredFields: readonly StatementField[];
  /** iso: 2026-03-31. day-first: 31.03.2026 or 31/03/2026. */
  dates: "iso" | "day-first";
  /** The decimal separator; neither format accepts thousands separators. */
  decimal: "." | ",";
  kinds: Record<string, StatementKind>;
  statuses: Record<string, StatementStatus>;
  /** Separates the references a settlement line covers, inside one cell. */
  coversSeparator: string;
}

const required: readonly StatementField[] = ["reference", "kind", "status", "amount", "currency", "bookedOn"];

/** Our documented default: comma-separated, ISO dates, a decimal point. */
export const countersignFormat: StatementFormat = {
  id: "countersign-v1",
  label: "Countersign default (comma, ISO dates, decimal point)",
  delimiter: ",",
  headers: { reference: "reference", kind: "kind", status: "status", amount: "amount", currency: "currency", bookedOn: "booked_on", covers: "covers", description: "description" },
  requiredFields: required,
  dates: "iso",
  decimal: ".",
  kinds: Object.fromEntries(statementKinds.map((kind) => [kind, kind])) as Record<string, StatementKind>,
  statuses: { paid: "paid", pending: "pending", failed: "failed" },
  coversSeparator: "|",
};

/** A European export: semicolons, day-first dates (31.03.2026 or 31/03/2026), a decimal comma, its own words. */
export const europeanFormat: StatementFormat = {
  id: "eu-semicolon-v1",
  label: "European export (semicolon, DD.MM.YYYY, decimal comma)",
  delimiter: ";",
  headers: {
    reference: "Transaction ID",
    kind: "Type",
    status: "State",
    amount: "Gross Amount",
    currency: "Currency Code",
    bookedOn: "Value Date",
    covers: "Settled References",
    description: "Narrative",
  },
  requiredFields: required,
  dates: "day-first",
  decimal: ",",
  kinds: { PAYIN: "payment", PAYOUT: "withdrawal", REFUND: "refund", CHARGEBACK: "chargeback", FEE: "fee", SETTLEMENT: "settlement" },
  statuses: { SETTLED: "paid", PENDING: "pending", REJECTED: "failed" },
  coversSeparator: "|",
};

export const statementFormats: readonly StatementFormat[] = [countersignFormat, europeanFormat];

/** The providers in the demo data and the format each one's statements come in. */
export const providerFormats: Record<string, StatementFormat> = {
  acmepay: countersignFormat,
  globalpsp: europeanFormat,
};

export const statementProviders = Object.keys(providerFormats);

export function formatForProvider(provider: string): StatementFormat | undefined {
  return Object.hasOwn(providerFormats, provider) ? providerFormats[provider] : undefined;
}

/** Stated limits: a file above either is refused before it is read in full. */
export const statementBytesMax = 64 * 1024 * 1024;
export const statementRowsMax = 1_000_000;
/** How many bad rows an import keeps (the count is always exact). */
export const statementErrorsKept = 1_000;
