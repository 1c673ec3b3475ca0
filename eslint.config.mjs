import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

// Names that carry money. Number() or unary plus on them would push an amount through a binary
// float; parseFloat is banned outright. Money is parsed with server/money (decimal.js) only.
const moneyName = "/(amount|balance|money|price|total|sum|fee|debit|credit)/i";

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "db/migrations/**", "next-env.d.ts", "playwright-report/**", "test-results/**"] },
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      "no-restricted-globals": ["error", { name: "parseFloat", message: "Money is never a float: parse with server/money (decimal.js)." }],
      "no-restricted-properties": [
        "error",
        { object: "Number", property: "parseFloat", message: "Money is never a float: parse with server/money (decimal.js)." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `UnaryExpression[operator='+'] > Identifier[name=${moneyName}]`,
          message: "Unary + on a money value: keep amounts as decimal strings or Decimal.",
        },
        {
          selector: `UnaryExpression[operator='+'] > MemberExpression > Identifier.property[name=${moneyName}]`,
          message: "Unary + on a money value: keep amounts as decimal strings or Decimal.",
        },
        {
          // Anywhere inside the argument: Number(amount ?? "0"), Number(row.amount as string), parseInt(total).
          selector: `CallExpression[callee.name=/^(Number|parseInt)$/] :matches(Identifier[name=${moneyName}], Literal[value=${moneyName}])`,
          message: "Number()/parseInt() on a money value: keep amounts as decimal strings or Decimal.",
        },
        {
          selector: `CallExpression[callee.object.name=/^(Number|Math)$/]:not([callee.property.name='parseFloat']) :matches(Identifier[name=${moneyName}], Literal[value=${moneyName}])`,
          message: "Number.* or Math.* on a money value: use server/money (decimal.js) instead.",
        },
        {
          selector: "CallExpression[callee.property.name='toNumber']",
          message: "Decimal#toNumber turns money into a float; format it with server/money instead.",
        },
      ],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
);
