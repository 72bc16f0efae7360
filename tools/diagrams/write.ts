/** The diagrams `npm start` writes to out/diagrams/: the approved request's sequence, and each stack's resources. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../evaluate";
import type { PlannedStack } from "../sim/deployment";
import type { ScenarioRun } from "../sim/scenarios";
import { resourceDiagram } from "./resources";
import { sequenceDiagram } from "./sequence";

export const DIAGRAM_DIR = path.join(ROOT, "out", "diagrams");
export const REQUEST_SEQUENCE = "request-sequence";

/** Each diagram's Mermaid text by name: `request-sequence` for `approved`'s run, and one per stack by its name. */
export function diagramsOf(
  approved: ScenarioRun,
  stacks: Readonly<Record<string, PlannedStack>>,
): Record<string, string> {
  const accountNames = Object.fromEntries(Object.entries(stacks).map(([name, s]) => [s.account, name]));
  return {
    [REQUEST_SEQUENCE]: sequenceDiagram(approved),
    ...Object.fromEntries(Object.entries(stacks).map(([name, s]) => [name, resourceDiagram(s, accountNames)])),
  };
}

/** Writes each diagram to `<dir>/<name>.mmd` (replacing what was there); returns the files, relative to the root. */
export function writeDiagrams(diagrams: Readonly<Record<string, string>>, dir = DIAGRAM_DIR): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return Object.entries(diagrams).map(([name, text]) => {
    const file = path.join(dir, `${name}.mmd`);
    writeFileSync(file, text);
    return path.relative(ROOT, file);
  });
}
