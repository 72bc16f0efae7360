/**
 * Records what a real JVM's java.util.regex answers for every case of ./javaRegexCases.ts (Matcher.find and
 * Pattern.matches) into ./javaRegex.recorded.json, which tests/tools/sim/automation/javaRegex.test.ts holds the
 * emulation to. Needs `javac` and `java` on the PATH. Run again after changing the cases or the shared patterns:
 *   npx ts-node --transpile-only tests/tools/sim/automation/support/recordJavaRegex.ts
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { regexCases } from "./javaRegexCases";

const PROGRAM = `
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

public class RegexProbe {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Base64.Decoder b64 = Base64.getDecoder();
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.split("\\t", -1);
      String pattern = new String(b64.decode(parts[0]), StandardCharsets.UTF_8);
      String value = new String(b64.decode(parts[1]), StandardCharsets.UTF_8);
      Pattern p = Pattern.compile(pattern);
      System.out.println((p.matcher(value).find() ? "1" : "0") + (p.matcher(value).matches() ? "1" : "0"));
    }
  }
}
`;

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

function record(): void {
  const dir = mkdtempSync(join(tmpdir(), "java-regex-"));
  writeFileSync(join(dir, "RegexProbe.java"), PROGRAM);
  execFileSync("javac", ["RegexProbe.java"], { cwd: dir });
  const cases = regexCases();
  const input = cases.map((c) => `${b64(c.pattern)}\t${b64(c.value)}`).join("\n");
  const output = execFileSync("java", ["-cp", dir, "RegexProbe"], { input, encoding: "utf8" }).trim().split("\n");
  if (output.length !== cases.length) throw new Error(`Java answered ${output.length} of ${cases.length} cases`);
  const version = spawnSync("java", ["-version"], { encoding: "utf8" }).stderr.split("\n")[0];
  const byPattern = new Map<string, [string, string][]>();
  cases.forEach((c, i) => {
    const list = byPattern.get(c.pattern) ?? [];
    list.push([c.value, output[i]]);
    byPattern.set(c.pattern, list);
  });
  // One pattern per line; each case is [value, "<find><matches>"] with 1 for a match and 0 for none.
  const lines = [...byPattern].map(([pattern, list]) => JSON.stringify({ pattern, cases: list }));
  const text = `{"java":${JSON.stringify(version)},"patterns":[\n${lines.join(",\n")}\n]}\n`;
  writeFileSync(join(__dirname, "javaRegex.recorded.json"), text);
  console.log(`recorded ${cases.length} cases`);
}

record();
