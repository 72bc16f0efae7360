/** Where the CLI writes: stdout for results, stderr for errors; injectable so tests read what a user would see. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function printLine(output: Output, text = ""): void {
  output.stdout(`${text}\n`);
}

export function printJson(output: Output, value: unknown): void {
  output.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows as columns aligned under their headings. */
export function printTable(output: Output, headings: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [headings, ...rows]) {
    printLine(
      output,
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  }
}
