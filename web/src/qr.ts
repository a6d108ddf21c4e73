// A small QR code encoder (ISO/IEC 18004) for the otpauth:// address of the
// two-factor setup: byte mode, error correction level M, versions 1 to 10,
// with room for up to 213 bytes. Written for this page, so that no QR library
// has to be bundled.

/** Error correction of level M for versions 1 to 10: codewords per block and the data codewords of each block. */
const BLOCKS_M: readonly { ecPerBlock: number; dataPerBlock: readonly number[] }[] = [
  { ecPerBlock: 10, dataPerBlock: [16] },
  { ecPerBlock: 16, dataPerBlock: [28] },
  { ecPerBlock: 26, dataPerBlock: [44] },
  { ecPerBlock: 18, dataPerBlock: [32, 32] },
  { ecPerBlock: 24, dataPerBlock: [43, 43] },
  { ecPerBlock: 16, dataPerBlock: [27, 27, 27, 27] },
  { ecPerBlock: 18, dataPerBlock: [31, 31, 31, 31] },
  { ecPerBlock: 22, dataPerBlock: [38, 38, 39, 39] },
  { ecPerBlock: 22, dataPerBlock: [36, 36, 36, 37, 37] },
  { ecPerBlock: 26, dataPerBlock: [43, 43, 43, 43, 44] },
];

/** Centres of the alignment patterns, per version. */
const ALIGNMENT: readonly (readonly number[])[] = [
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];

export const MAX_VERSION = BLOCKS_M.length;

// Arithmetic in GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let value = 1;
  for (let power = 0; power < 255; power++) {
    EXP[power] = value;
    LOG[value] = power;
    value <<= 1;
    if (value & 0x100) {
      value ^= 0x11d;
    }
  }
  for (let power = 255; power < 512; power++) {
    EXP[power] = EXP[power - 255] ?? 0;
  }
}

function gfMultiply(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : (EXP[(LOG[a] ?? 0) + (LOG[b] ?? 0)] ?? 0);
}

/** Computes the Reed-Solomon error correction codewords of one block. */
export function reedSolomon(data: readonly number[], ecCount: number): number[] {
  // Generator polynomial (x - a^0)(x - a^1)...(x - a^(n-1)), highest degree first.
  let generator = [1];
  for (let root = 0; root < ecCount; root++) {
    const next = new Array<number>(generator.length + 1).fill(0);
    generator.forEach((coefficient, index) => {
      next[index] = (next[index] ?? 0) ^ coefficient;
      next[index + 1] = (next[index + 1] ?? 0) ^ gfMultiply(coefficient, EXP[root] ?? 0);
    });
    generator = next;
  }
  const remainder = new Array<number>(ecCount).fill(0);
  for (const byte of data) {
    const factor = byte ^ (remainder.shift() ?? 0);
    remainder.push(0);
    for (let index = 0; index < ecCount; index++) {
      remainder[index] = (remainder[index] ?? 0) ^ gfMultiply(generator[index + 1] ?? 0, factor);
    }
  }
  return remainder;
}

function dataCapacity(version: number): number {
  return (BLOCKS_M[version - 1]?.dataPerBlock ?? []).reduce((sum, count) => sum + count, 0);
}

/** Returns the smallest version with room for `length` bytes, or null when the text is too long. */
export function versionFor(length: number): number | null {
  for (let version = 1; version <= MAX_VERSION; version++) {
    const countBits = version < 10 ? 8 : 16;
    if (4 + countBits + length * 8 <= dataCapacity(version) * 8) {
      return version;
    }
  }
  return null;
}

/** Builds the data codewords: byte mode, the length, the bytes, a terminator and padding. */
export function dataCodewords(bytes: Uint8Array, version: number): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let bit = length - 1; bit >= 0; bit--) {
      bits.push((value >>> bit) & 1);
    }
  };
  push(0b0100, 4);
  push(bytes.length, version < 10 ? 8 : 16);
  for (const byte of bytes) {
    push(byte, 8);
  }
  const capacityBits = dataCapacity(version) * 8;
  push(0, Math.min(4, capacityBits - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  const codewords: number[] = [];
  for (let index = 0; index < bits.length; index += 8) {
    codewords.push(bits.slice(index, index + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  }
  for (let pad = 0; codewords.length < capacityBits / 8; pad++) {
    codewords.push(pad % 2 === 0 ? 0xec : 0x11);
  }
  return codewords;
}

/** Splits the data into blocks, adds their error correction, and interleaves them as the symbol stores them. */
export function finalCodewords(data: readonly number[], version: number): number[] {
  const layout = BLOCKS_M[version - 1];
  if (!layout) {
    throw new RangeError(`QR version ${version} is not supported`);
  }
  const blocks: number[][] = [];
  let offset = 0;
  for (const count of layout.dataPerBlock) {
    blocks.push(data.slice(offset, offset + count));
    offset += count;
  }
  const corrections = blocks.map((block) => reedSolomon(block, layout.ecPerBlock));
  const result: number[] = [];
  const longest = Math.max(...layout.dataPerBlock);
  for (let index = 0; index < longest; index++) {
    for (const block of blocks) {
      if (index < block.length) {
        result.push(block[index] ?? 0);
      }
    }
  }
  for (let index = 0; index < layout.ecPerBlock; index++) {
    for (const correction of corrections) {
      result.push(correction[index] ?? 0);
    }
  }
  return result;
}

/** BCH code of the format information: level M (00) and the mask, masked with 101010000010010. */
export function formatBits(mask: number): number {
  const data = (0b00 << 3) | mask;
  let remainder = data;
  for (let step = 0; step < 10; step++) {
    remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  }
  return ((data << 10) | (remainder & 0x3ff)) ^ 0x5412;
}

/** BCH code of the version information, drawn from version 7 on. */
export function versionBits(version: number): number {
  let remainder = version;
  for (let step = 0; step < 12; step++) {
    remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  }
  return (version << 12) | (remainder & 0xfff);
}

const MASKS: readonly ((row: number, column: number) => boolean)[] = [
  (row, column) => (row + column) % 2 === 0,
  (row) => row % 2 === 0,
  (_row, column) => column % 3 === 0,
  (row, column) => (row + column) % 3 === 0,
  (row, column) => (Math.floor(row / 2) + Math.floor(column / 3)) % 2 === 0,
  (row, column) => ((row * column) % 2) + ((row * column) % 3) === 0,
  (row, column) => (((row * column) % 2) + ((row * column) % 3)) % 2 === 0,
  (row, column) => (((row + column) % 2) + ((row * column) % 3)) % 2 === 0,
];

/** A QR symbol: `modules[row][column]` is true for a dark module. */
export interface QrCode {
  version: number;
  size: number;
  mask: number;
  modules: boolean[][];
}

class Grid {
  readonly size: number;
  readonly modules: boolean[][];
  /** Modules of finder, timing, alignment, format and version patterns, which data and masks skip. */
  readonly reserved: boolean[][];

  constructor(size: number) {
    this.size = size;
    this.modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.reserved = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }

  set(row: number, column: number, dark: boolean): void {
    const line = this.modules[row];
    const reservedLine = this.reserved[row];
    if (line && reservedLine && column >= 0 && column < this.size) {
      line[column] = dark;
      reservedLine[column] = true;
    }
  }

  isReserved(row: number, column: number): boolean {
    return this.reserved[row]?.[column] ?? true;
  }

  isDark(row: number, column: number): boolean {
    return this.modules[row]?.[column] ?? false;
  }

  clone(): Grid {
    const copy = new Grid(this.size);
    this.modules.forEach((line, row) => line.forEach((dark, column) => ((copy.modules[row] as boolean[])[column] = dark)));
    this.reserved.forEach((line, row) => line.forEach((taken, column) => ((copy.reserved[row] as boolean[])[column] = taken)));
    return copy;
  }
}

function drawFinder(grid: Grid, top: number, left: number): void {
  // The 7x7 pattern and its light separator, clipped at the symbol's edge.
  for (let row = -1; row <= 7; row++) {
    for (let column = -1; column <= 7; column++) {
      const r = top + row;
      const c = left + column;
      if (r < 0 || c < 0 || r >= grid.size || c >= grid.size) {
        continue;
      }
      const ring = Math.max(Math.abs(row - 3), Math.abs(column - 3));
      grid.set(r, c, ring !== 2 && ring !== 4);
    }
  }
}

function drawFunctionPatterns(grid: Grid, version: number): void {
  const size = grid.size;
  drawFinder(grid, 0, 0);
  drawFinder(grid, 0, size - 7);
  drawFinder(grid, size - 7, 0);
  for (let index = 8; index < size - 8; index++) {
    grid.set(6, index, index % 2 === 0);
    grid.set(index, 6, index % 2 === 0);
  }
  const centres = ALIGNMENT[version - 1] ?? [];
  const last = centres.length - 1;
  centres.forEach((row, i) => {
    centres.forEach((column, j) => {
      // No alignment pattern over the three finder patterns.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) {
        return;
      }
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) {
          grid.set(row + dr, column + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
        }
      }
    });
  });
  // Reserve the format areas now; they are written once the mask is chosen.
  drawFormat(grid, 0);
  if (version >= 7) {
    const bits = versionBits(version);
    for (let index = 0; index < 18; index++) {
      const dark = ((bits >>> index) & 1) === 1;
      const a = size - 11 + (index % 3);
      const b = Math.floor(index / 3);
      grid.set(b, a, dark);
      grid.set(a, b, dark);
    }
  }
}

function drawFormat(grid: Grid, mask: number): void {
  const size = grid.size;
  const bits = formatBits(mask);
  const bit = (index: number) => ((bits >>> index) & 1) === 1;
  // Copy next to the top-left finder.
  for (let index = 0; index <= 5; index++) {
    grid.set(index, 8, bit(index));
  }
  grid.set(7, 8, bit(6));
  grid.set(8, 8, bit(7));
  grid.set(8, 7, bit(8));
  for (let index = 9; index < 15; index++) {
    grid.set(8, 14 - index, bit(index));
  }
  // Copy split between the top-right and bottom-left finders.
  for (let index = 0; index < 8; index++) {
    grid.set(8, size - 1 - index, bit(index));
  }
  for (let index = 8; index < 15; index++) {
    grid.set(size - 15 + index, 8, bit(index));
  }
  // The module that is always dark.
  grid.set(size - 8, 8, true);
}

function drawCodewords(grid: Grid, codewords: readonly number[]): void {
  const size = grid.size;
  const totalBits = codewords.length * 8;
  let bitIndex = 0;
  // Two-column strips from the right edge, alternately upwards and downwards, skipping the vertical timing column.
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) {
      right = 5;
    }
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (let offset = 0; offset < 2; offset++) {
        const column = right - offset;
        if (grid.isReserved(row, column)) {
          continue;
        }
        // Modules left after the last codeword (remainder bits) stay light.
        const dark = bitIndex < totalBits && (((codewords[bitIndex >>> 3] ?? 0) >>> (7 - (bitIndex & 7))) & 1) === 1;
        (grid.modules[row] as boolean[])[column] = dark;
        bitIndex++;
      }
    }
  }
}

function applyMask(grid: Grid, mask: number): void {
  const test = MASKS[mask] ?? MASKS[0];
  for (let row = 0; row < grid.size; row++) {
    for (let column = 0; column < grid.size; column++) {
      if (!grid.isReserved(row, column) && test?.(row, column)) {
        const line = grid.modules[row] as boolean[];
        line[column] = !line[column];
      }
    }
  }
}

/** Scores a symbol with the four penalty rules of the standard; the lowest score picks the mask. */
export function penalty(modules: boolean[][]): number {
  const size = modules.length;
  const at = (row: number, column: number) => modules[row]?.[column] ?? false;
  let score = 0;

  // Rule 1: runs of five or more modules of one colour in a row or column.
  for (const byRow of [true, false]) {
    for (let line = 0; line < size; line++) {
      let run = 1;
      for (let index = 1; index <= size; index++) {
        const same =
          index < size && (byRow ? at(line, index) === at(line, index - 1) : at(index, line) === at(index - 1, line));
        if (same) {
          run++;
          continue;
        }
        if (run >= 5) {
          score += 3 + (run - 5);
        }
        run = 1;
      }
    }
  }

  // Rule 2: 2x2 blocks of one colour.
  for (let row = 0; row < size - 1; row++) {
    for (let column = 0; column < size - 1; column++) {
      const dark = at(row, column);
      if (dark === at(row, column + 1) && dark === at(row + 1, column) && dark === at(row + 1, column + 1)) {
        score += 3;
      }
    }
  }

  // Rule 3: finder-like sequences, dark-light-dark-dark-dark-light-dark, with four light modules on one side.
  const patterns = ['10111010000', '00001011101'];
  for (let line = 0; line < size; line++) {
    let rowText = '';
    let columnText = '';
    for (let index = 0; index < size; index++) {
      rowText += at(line, index) ? '1' : '0';
      columnText += at(index, line) ? '1' : '0';
    }
    for (const text of [rowText, columnText]) {
      for (const pattern of patterns) {
        for (let found = text.indexOf(pattern); found !== -1; found = text.indexOf(pattern, found + 1)) {
          score += 40;
        }
      }
    }
  }

  // Rule 4: 10 points for each further 5 % that the share of dark modules lies outside 45–55 %.
  const dark = modules.reduce((count, line) => count + line.filter(Boolean).length, 0);
  const total = size * size;
  score += 10 * Math.max(0, Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1);
  return score;
}

/** Encodes text as UTF-8 into the smallest symbol of level M with room for it, using the best-scoring mask. */
export function encodeQr(text: string): QrCode {
  const bytes = new TextEncoder().encode(text);
  const version = versionFor(bytes.length);
  if (version === null) {
    throw new RangeError(`text of ${bytes.length} bytes is too long for a QR code up to version ${MAX_VERSION}`);
  }
  const size = version * 4 + 17;
  const base = new Grid(size);
  drawFunctionPatterns(base, version);
  drawCodewords(base, finalCodewords(dataCodewords(bytes, version), version));

  let best: { grid: Grid; mask: number; score: number } | null = null;
  for (let mask = 0; mask < MASKS.length; mask++) {
    const grid = base.clone();
    applyMask(grid, mask);
    drawFormat(grid, mask);
    const score = penalty(grid.modules);
    if (!best || score < best.score) {
      best = { grid, mask, score };
    }
  }
  const chosen = best as { grid: Grid; mask: number };
  return { version, size, mask: chosen.mask, modules: chosen.grid.modules };
}

/** Returns the SVG path of the dark modules, one unit per module, shifted by `margin` units. */
export function qrPath(code: QrCode, margin: number): string {
  const parts: string[] = [];
  code.modules.forEach((line, row) => {
    line.forEach((dark, column) => {
      if (dark) {
        parts.push(`M${column + margin} ${row + margin}h1v1h-1z`);
      }
    });
  });
  return parts.join('');
}
