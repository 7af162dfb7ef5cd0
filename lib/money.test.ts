import { describe, expect, it } from "vitest";

import {
  centavosToPesos,
  formatArs,
  maxMontoPesos,
  parseArsInput,
  pesosToCentavos,
} from "./money";

// Intl formats ARS with a no-break space (U+00A0) after the sign.
const nbsp = "\u00a0";

describe("pesosToCentavos", () => {
  it.each([
    [0, 0n],
    [1, 100n],
    [0.01, 1n],
    [0.1, 10n],
    [1.15, 115n],
    [0.29, 29n],
    [4.35, 435n],
    [1234.5, 123450n],
    [1234567.89, 123456789n],
    [9_999_999_999.99, 999_999_999_999n],
  ])("converts %s pesos", (pesos, centavos) => {
    expect(pesosToCentavos(pesos)).toBe(centavos);
  });

  it("converts the maximum amount", () => {
    expect(pesosToCentavos(maxMontoPesos)).toBe(999_999_999_999n);
  });

  it.each([
    [134_217_728.02, 13_421_772_802n],
    [327_566_808.54, 32_756_680_854n],
  ])("converts large amount %s", (pesos, centavos) => {
    // Above 2^27 pesos, pesos * 100 can miss the integer by more than 1e-6
    // although pesos is the double nearest to a two-decimal amount.
    expect(pesosToCentavos(pesos)).toBe(centavos);
  });

  it("converts every two-decimal amount below 10^10", () => {
    let rejected = 0;
    let firstRejected: number | undefined;
    for (let step = 0; step < 100_000; step++) {
      // Spread over 0 to 10^12 centavos with a fixed odd stride.
      const centavos = (step * 9_999_991) % 1_000_000_000_000;
      const pesos = centavos / 100;
      if (pesosToCentavos(pesos) !== BigInt(centavos)) {
        rejected += 1;
        firstRejected ??= pesos;
      }
    }
    expect({ rejected, firstRejected }).toEqual({
      rejected: 0,
      firstRejected: undefined,
    });
  });

  it("keeps the sign of negatives", () => {
    expect(pesosToCentavos(-12.34)).toBe(-1234n);
  });

  it.each([1.005, 0.001, 10.123, 1234567.891])(
    "rejects three decimals in %s",
    (pesos) => {
      expect(pesosToCentavos(pesos)).toBeNull();
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects %s",
    (pesos) => {
      expect(pesosToCentavos(pesos)).toBeNull();
    },
  );
});

describe("centavosToPesos", () => {
  it.each([
    [0n, 0],
    [1n, 0.01],
    [115n, 1.15],
    [123456789n, 1234567.89],
    [999_999_999_999n, 9_999_999_999.99],
    [-250n, -2.5],
  ])("converts %s centavos", (centavos, pesos) => {
    expect(centavosToPesos(centavos)).toBe(pesos);
  });

  it("inverts pesosToCentavos", () => {
    for (const pesos of [0.29, 1.15, 1234567.89, 9_999_999_999.99]) {
      expect(centavosToPesos(pesosToCentavos(pesos)!)).toBe(pesos);
    }
  });
});

describe("parseArsInput", () => {
  it.each([
    ["1.234.567,89", 1234567.89],
    ["1234567,89", 1234567.89],
    ["1234567.89", 1234567.89],
    ["$ 1.000", 1000],
    ["$1.000,5", 1000.5],
    ["ARS 1.234,50", 1234.5],
    ["ars 15", 15],
    ["  12,30  ", 12.3],
    [`$${nbsp}1.234,50`, 1234.5],
    ["0,05", 0.05],
    ["1,5", 1.5],
    ["999", 999],
    ["1.234", 1234],
    ["1.23", 1.23],
    // The sign is kept so that validation reports "mayor que cero".
    ["-5", -5],
    ["-$ 1.000,50", -1000.5],
  ])("parses %j", (text, pesos) => {
    expect(parseArsInput(text)).toBe(pesos);
  });

  it.each([
    "",
    "   ",
    "$",
    "abc",
    "-",
    "1,234.56",
    "1.23.456",
    "12.34.567,8",
    "1,234",
    "1.2345",
    "1,",
    ",5",
    "1e3",
    "1.000,123",
    "1 000,5x",
  ])("rejects %j", (text) => {
    expect(parseArsInput(text)).toBeNull();
  });

  it("reads back formatArs output", () => {
    expect(parseArsInput(formatArs(1234567.89))).toBe(1234567.89);
  });
});

describe("formatArs", () => {
  it.each([
    [0, `$${nbsp}0,00`],
    [1, `$${nbsp}1,00`],
    [1234.5, `$${nbsp}1.234,50`],
    [1234567.89, `$${nbsp}1.234.567,89`],
    [9_999_999_999.99, `$${nbsp}9.999.999.999,99`],
  ])("formats %s", (pesos, text) => {
    expect(formatArs(pesos)).toBe(text);
  });
});
