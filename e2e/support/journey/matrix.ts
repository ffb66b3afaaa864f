/** The matrix's results: a cell per (row, column), printed as a table at the end. */
export type CellResult = { ok: true; ms: number } | { ok: false; ms: number; error: string };

export class Matrix {
  private readonly cells = new Map<string, CellResult>();

  constructor(
    readonly rows: readonly string[],
    readonly columns: readonly string[],
  ) {}

  /** Runs the cell, records how it went, and never throws (the test asserts every cell at the end). */
  async run(row: string, column: string, cell: () => Promise<void>): Promise<CellResult> {
    const started = Date.now();
    let result: CellResult;
    try {
      await cell();
      result = { ok: true, ms: Date.now() - started };
    } catch (error) {
      result = { ok: false, ms: Date.now() - started, error: (error as Error).stack ?? String(error) };
    }
    this.cells.set(`${row}\u0000${column}`, result);
    return result;
  }

  get(row: string, column: string): CellResult | undefined {
    return this.cells.get(`${row}\u0000${column}`);
  }

  /** Rows × columns, ✓ / ✗ (seconds taken), `·` for a cell that did not run. */
  table(): string {
    const mark = (r: CellResult | undefined) => (r ? `${r.ok ? '✓' : '✗'} ${Math.round(r.ms / 1000)}s` : '·');
    const first = Math.max(...this.rows.map((r) => r.length));
    const widths = this.columns.map((c) => Math.max(c.length, 7));
    const line = (head: string, cells: string[]) =>
      `${head.padEnd(first)} | ${cells.map((c, i) => c.padEnd(widths[i] ?? 7)).join(' | ')}`;
    return [
      line('', [...this.columns]),
      line(
        '-'.repeat(first),
        widths.map((w) => '-'.repeat(w)),
      ),
      ...this.rows.map((row) =>
        line(
          row,
          this.columns.map((c) => mark(this.get(row, c))),
        ),
      ),
    ].join('\n');
  }
}
