/**
 * A grid-cell geospatial index on the plane: the structure a geohash gives at one
 * precision (the world cut into fixed rectangles, each point keyed by the cell it
 * falls in), without the bit interleaving a geohash needs to make the key a sortable
 * string on a sphere. Uber's dispatch indexed supply by S2 cells and later by H3
 * hexagons (https://www.uber.com/blog/h3/); on a flat, bounded plane square cells
 * answer the same two questions: what is in this cell (surge), and which entries are
 * nearest to a point (matching), by searching rings of cells outwards.
 */

/** A cell's key: its column and row packed into one number (up to 65,536 rows). */
export type CellKey = number;

const ROWS = 65_536;

export const cellKey = (column: number, row: number): CellKey => column * ROWS + row;

/** The cell a point falls in. */
export function cellOf(x: number, y: number, size: number): CellKey {
  return cellKey(Math.floor(x / size), Math.floor(y / size));
}

/** The cell and the cells within `k` of it in every direction (a square k-ring: (2k + 1)² cells). */
export function cellsAround(cell: CellKey, k: number): CellKey[] {
  const column = Math.floor(cell / ROWS);
  const row = cell % ROWS;
  const cells: CellKey[] = [];
  for (let dc = -k; dc <= k; dc++) for (let dr = -k; dr <= k; dr++) if (column + dc >= 0 && row + dr >= 0) cells.push(cellKey(column + dc, row + dr));
  return cells;
}

/** A cell as people write it: `column:row`. */
export function cellName(key: CellKey): string {
  return `${Math.floor(key / ROWS)}:${key % ROWS}`;
}

export interface IndexEntry<T> {
  x: number;
  y: number;
  cell: CellKey;
  value: T;
}

export class GridIndex<T> {
  private readonly cells = new Map<CellKey, Set<string>>();
  private readonly entries = new Map<string, IndexEntry<T>>();

  constructor(readonly cellSize: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): IndexEntry<T> | undefined {
    return this.entries.get(id);
  }

  /** Puts `id` at (x, y) with `value`, moving it between cells if it crossed a border. */
  upsert(id: string, x: number, y: number, value: T): void {
    const cell = cellOf(x, y, this.cellSize);
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.entries.set(id, { x, y, cell, value });
      this.members(cell).add(id);
      return;
    }
    if (entry.cell !== cell) {
      this.leave(id, entry.cell);
      this.members(cell).add(id);
      entry.cell = cell;
    }
    entry.x = x;
    entry.y = y;
    entry.value = value;
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.leave(id, entry.cell);
    this.entries.delete(id);
  }

  /** Every entry, for sweeps. */
  all(): IterableIterator<[string, IndexEntry<T>]> {
    return this.entries.entries();
  }

  /** The ids in one cell. */
  inCell(cell: CellKey): ReadonlySet<string> {
    return this.cells.get(cell) ?? EMPTY;
  }

  /**
   * The entry nearest to (x, y) within `radius` that `accept` takes, or undefined.
   * Cells are visited in square rings around the point's cell; once the best found
   * is nearer than anything in the next ring could be, the search stops.
   */
  nearest(x: number, y: number, radius: number, accept: (id: string, entry: IndexEntry<T>) => boolean): { id: string; distance: number } | undefined {
    const size = this.cellSize;
    const column = Math.floor(x / size);
    const row = Math.floor(y / size);
    const rings = Math.ceil(radius / size);
    let best: { id: string; distance: number } | undefined;
    for (let ring = 0; ring <= rings; ring++) {
      for (let dc = -ring; dc <= ring; dc++) {
        const onEdge = dc === -ring || dc === ring;
        for (let dr = -ring; dr <= ring; dr += onEdge ? 1 : 2 * ring) {
          const ids = this.cells.get(cellKey(column + dc, row + dr));
          if (ids === undefined) continue;
          for (const id of ids) {
            const entry = this.entries.get(id)!;
            const distance = Math.hypot(entry.x - x, entry.y - y);
            if (distance > radius || (best !== undefined && distance >= best.distance) || !accept(id, entry)) continue;
            best = { id, distance };
          }
        }
      }
      // Every cell of the next ring is at least `ring` cells away from any point of this one.
      if (best !== undefined && best.distance <= ring * size) return best;
    }
    return best;
  }

  /** Visits every entry within `radius` of (x, y). */
  within(x: number, y: number, radius: number, visit: (id: string, entry: IndexEntry<T>) => void): void {
    const size = this.cellSize;
    for (let column = Math.floor((x - radius) / size); column <= Math.floor((x + radius) / size); column++) {
      for (let row = Math.floor((y - radius) / size); row <= Math.floor((y + radius) / size); row++) {
        for (const id of this.cells.get(cellKey(column, row)) ?? EMPTY) {
          const entry = this.entries.get(id)!;
          if (Math.hypot(entry.x - x, entry.y - y) <= radius) visit(id, entry);
        }
      }
    }
  }

  private members(cell: CellKey): Set<string> {
    let ids = this.cells.get(cell);
    if (ids === undefined) this.cells.set(cell, (ids = new Set()));
    return ids;
  }

  private leave(id: string, cell: CellKey): void {
    const ids = this.cells.get(cell)!;
    ids.delete(id);
    if (ids.size === 0) this.cells.delete(cell);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
