import { describe, expect, it } from "vitest";
import { InexactNumberError, isExactDouble, parseExactJson } from "./exact-json";

describe("parseExactJson", () => {
  it("reads what JSON.parse reads when every number is exactly a double", () => {
    for (const text of ['{"a":1,"b":-0.5,"c":[1e21,1.5e-7,0,-0]}', '{"amount": "10.00", "index": 3.0, "n": 3e0}', "9007199254740992", "[0.1, 1.2345678901234568e+29]"]) {
      expect(parseExactJson(text)).toEqual(JSON.parse(text));
    }
  });

  it("refuses a number a double does not hold exactly, wherever it stands", () => {
    for (const [text, token] of [
      ['{"index":3.0000000000000001}', "3.0000000000000001"],
      ["[1, 9007199254740993]", "9007199254740993"],
      ['{"a":{"b":[-0.30000000000000001]}}', "-0.30000000000000001"],
    ] as const) {
      expect(() => parseExactJson(text)).toThrow(InexactNumberError);
      expect(() => parseExactJson(text)).toThrow(token);
    }
  });

  it("does not read digits inside strings, escaped quotes included, as numbers", () => {
    expect(parseExactJson('{"note":"3.0000000000000001 \\" 9007199254740993","n":2}')).toEqual({ note: '3.0000000000000001 " 9007199254740993', n: 2 });
  });

  it("still refuses text that is not JSON", () => {
    expect(() => parseExactJson('{"a":1x}')).toThrow(SyntaxError);
  });
});

describe("isExactDouble", () => {
  it("compares the token's decimal value with the double's", () => {
    expect(isExactDouble("1e+21", 1e21)).toBe(true);
    expect(isExactDouble("1000000000000000000000", 1e21)).toBe(true);
    expect(isExactDouble("0.1", 0.1)).toBe(true);
    expect(isExactDouble("0.10000000000000001", 0.1)).toBe(false);
  });
});
