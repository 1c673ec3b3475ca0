import Decimal from "decimal.js";
import superjson from "superjson";
import { MoneyDecimal } from "@/lib/money-decimal";

// Money crosses the wire as a decimal string and is revived as Decimal, never as a number.
superjson.registerCustom<Decimal, string>(
  {
    isApplicable: (value): value is Decimal => Decimal.isDecimal(value),
    serialize: (value) => value.toString(),
    deserialize: (value) => new MoneyDecimal(value),
  },
  "decimal.js",
);

export const transformer = superjson;
