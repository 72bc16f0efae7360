/**
 * `npm run docs`: rewrites README.md's generated sections: the config reference (from the config schema) and each
 * embedded diagram (from out/diagrams/<name>.mmd, which `npm start` writes). Everything outside the markers stays.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DIAGRAM_DIR } from "../diagrams/write";
import { ROOT } from "../evaluate";
import { configReferenceMarkdown } from "./configReference";
import { embeddedDiagrams, mermaidBlock, replaceSection, sectionOf } from "./markers";

export const README = path.join(ROOT, "README.md");
export const CONFIG_REFERENCE = "config-reference";

/**
 * `text` with its generated sections rewritten: the config reference if it has the markers, each embedded diagram
 * from `diagram(name)`. `missing` names the embedded diagrams `diagram` had no text for (left as they were).
 */
export function generatedReadme(
  text: string,
  diagram: (name: string) => string | undefined,
): { text: string; missing: string[] } {
  let out = text;
  if (sectionOf(out, CONFIG_REFERENCE) !== undefined) {
    out = replaceSection(out, CONFIG_REFERENCE, configReferenceMarkdown());
  }
  const missing: string[] = [];
  for (const name of embeddedDiagrams(out)) {
    const mermaid = diagram(name);
    if (mermaid === undefined) missing.push(name);
    else out = replaceSection(out, `diagram:${name}`, mermaidBlock(mermaid));
  }
  return { text: out, missing };
}

function main(): number {
  const before = readFileSync(README, "utf8");
  if (sectionOf(before, CONFIG_REFERENCE) === undefined) {
    console.warn(`README.md has no <!-- ${CONFIG_REFERENCE}:start --> marker: no config reference written`);
  }
  const file = (name: string) => path.join(DIAGRAM_DIR, `${name}.mmd`);
  const { text, missing } = generatedReadme(before, (name) =>
    existsSync(file(name)) ? readFileSync(file(name), "utf8") : undefined,
  );
  if (text !== before) writeFileSync(README, text);
  console.log(`README.md ${text === before ? "is up to date" : "updated"}`);
  if (missing.length > 0) {
    console.error(`missing ${missing.map((m) => path.relative(ROOT, file(m))).join(", ")}: run npm start first`);
    return 1;
  }
  return 0;
}

if (require.main === module) process.exit(main());
