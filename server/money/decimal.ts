// The one money Decimal lives in lib/ so that db/ and the wire transformer use it too.
export { MoneyDecimal } from "@/lib/money-decimal";
