import { describe, expect, it } from 'vitest';
import { MAX_VERSION, dataCodewords, encodeQr, formatBits, qrPath, reedSolomon, versionBits, versionFor } from '../src/qr';

/** Reads the format information next to the top-left finder, bit 14 first. */
function readFormat(modules: boolean[][]): number {
  const cells: [number, number][] = [];
  for (let column = 0; column <= 5; column++) {
    cells.push([8, column]);
  }
  cells.push([8, 7], [8, 8], [7, 8]);
  for (let row = 5; row >= 0; row--) {
    cells.push([row, 8]);
  }
  return cells.reduce((bits, [row, column]) => (bits << 1) | (modules[row]?.[column] ? 1 : 0), 0);
}

describe('QR encoder', () => {
  it('computes Reed-Solomon codewords', () => {
    // The data codewords of "HELLO WORLD" in a 1-M symbol and their published error correction.
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(reedSolomon(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('matches the format strings of level M', () => {
    const expected = [
      '101010000010010',
      '101000100100101',
      '101111001111100',
      '101101101001011',
      '100010111111001',
      '100000011001110',
      '100111110010111',
      '100101010100000',
    ];
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((mask) => formatBits(mask).toString(2).padStart(15, '0'))).toEqual(expected);
  });

  it('matches the version information of version 7', () => {
    expect(versionBits(7).toString(2).padStart(18, '0')).toBe('000111110010010100');
  });

  it('picks the smallest version that fits', () => {
    expect(versionFor(14)).toBe(1);
    expect(versionFor(15)).toBe(2);
    expect(versionFor(213)).toBe(10);
    expect(versionFor(214)).toBeNull();
    expect(MAX_VERSION).toBe(10);
  });

  it('pads the data codewords', () => {
    const codewords = dataCodewords(new TextEncoder().encode('A'), 1);
    expect(codewords).toHaveLength(16);
    // Mode 0100, length 00000001, "A" 01000001, terminator 0000.
    expect(codewords.slice(0, 3)).toEqual([0x40, 0x14, 0x10]);
    expect(codewords.slice(3, 7)).toEqual([0xec, 0x11, 0xec, 0x11]);
  });

  it('draws finder patterns and the chosen format', () => {
    const address = 'otpauth://totp/Hai%20Dang%20IOC:admin?secret=LY4WOYNWSSAKLI3J54CRD5D7I5NS3UFE&issuer=Hai%20Dang%20IOC';
    const code = encodeQr(address);
    expect(code.version).toBe(6);
    expect(code.size).toBe(41);
    expect(code.modules).toHaveLength(41);
    const row = (index: number, from: number) => (code.modules[index] ?? []).slice(from, from + 7).map(Number).join('');
    for (const [top, left] of [
      [0, 0],
      [0, 34],
      [34, 0],
    ] as const) {
      expect(row(top, left)).toBe('1111111');
      expect(row(top + 1, left)).toBe('1000001');
      expect(row(top + 3, left)).toBe('1011101');
    }
    expect(readFormat(code.modules)).toBe(formatBits(code.mask));
    // The module that is always dark.
    expect(code.modules[code.size - 8]?.[8]).toBe(true);
  });

  it('rejects text over 213 bytes', () => {
    expect(() => encodeQr('x'.repeat(214))).toThrow(RangeError);
  });

  it('draws one square per dark module', () => {
    const code = encodeQr('A');
    const dark = code.modules.flat().filter(Boolean).length;
    const path = qrPath(code, 4);
    expect(path.match(/M/g)).toHaveLength(dark);
    expect(path.startsWith('M4 4h1v1h-1z')).toBe(true);
  });
});
