import type Decimal from "decimal.js";
import { MoneyDecimal } from "../lib/money-decimal";
import { customType } from "drizzle-orm/pg-core";

/**
 * NUMERIC(38, 18) as decimal.js: PostgreSQL sends the exact decimal text and we parse it without
 * rounding (the Decimal constructor never rounds), as MoneyDecimal so later arithmetic keeps 40 digits. Money never passes through a JS number here.
 * Precision against the currency is checked in server/money before a value reaches the database,
 * because NUMERIC with a scale silently rounds excess decimals.
 */
export const money = customType<{ data: Decimal; driverData: string }>({
  dataType: () => "numeric(38, 18)",
  toDriver: (value) => value.toFixed(),
  fromDriver: (value) => new MoneyDecimal(value),
});
