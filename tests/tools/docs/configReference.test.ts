import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { commonFields } from "../../../shared/config/common";
import { managementFields } from "../../../shared/config/management";
import { requesterFields } from "../../../shared/config/requester";
import { patterns } from "../../../shared/patterns";
import { type ConfigKeyRow, configKeyRows, configReferenceMarkdown } from "../../../tools/docs/configReference";
import { CONFIG_REFERENCE, README } from "../../../tools/docs/generate";
import { sectionOf } from "../../../tools/docs/markers";

describe("config reference", () => {
  const rows = configKeyRows();
  const row = (key: string): ConfigKeyRow => {
    const found = rows.find((r) => r.key === key);
    assert.ok(found, `no row for ${key}`);
    return found;
  };

  it("has one row per key of either side, each key once, the keys both sides read first and marked both", () => {
    const keys = rows.map((r) => r.key);
    assert.equal(new Set(keys).size, keys.length);
    const common = Object.keys(commonFields).map((k) => `jit:${k}`);
    assert.deepEqual(keys.slice(0, common.length), common);
    for (const key of common) assert.deepEqual(row(key).sides, ["management", "requester"]);
    for (const key of Object.keys(managementFields).filter((k) => !(k in commonFields))) {
      assert.deepEqual(row(`jit:${key}`).sides, ["management"]);
    }
    for (const key of Object.keys(requesterFields).filter((k) => !(k in commonFields))) {
      assert.deepEqual(row(`jit:${key}`).sides, ["requester"]);
    }
  });

  it("says which keys are required and shows each optional key's default as the config file holds it", () => {
    assert.deepEqual(
      ["jit:side", "jit:namePrefix", "jit:eligibility", "jit:approverGroupId", "jit:eligibility[].approvals"].map(
        (k) => [row(k).required, row(k).fallback],
      ),
      [
        [true, undefined],
        [false, "idc-jit"],
        [true, undefined],
        [false, undefined],
        [false, "1"],
      ],
    );
    assert.equal(row("jit:solutionPermissionSets").fallback, "each key's default");
    assert.equal(row("jit:solutionPermissionSets.approve").fallback, "ApproveAWSAccountAccess");
  });

  it("states each rule as the schema does: the pattern's rule, the allowed values or the range", () => {
    assert.equal(row("jit:environment").rule, patterns.environment.rule);
    assert.equal(row("jit:side").rule, "one of management, requester");
    assert.equal(row("jit:eligibility[].approvals").rule, "a whole number from 0 to 10");
    assert.equal(row("jit:eligibility[].maxDuration").rule, patterns.ruleDuration.rule);
    assert.equal(row("jit:logRetentionDays").rule.startsWith("one of 1, 3, 5, 7, 14, 30,"), true);
    assert.equal(
      row("jit:eligibility[].permissionSets").rule,
      `a list of 1 to 100 unique items, each ${patterns.requestablePermissionSetName.rule}`,
    );
  });

  it("describes the keys inside structured values, in objects and in the items of lists", () => {
    assert.deepEqual(
      ["jit:cloudTrailSummary.enabled", "jit:notifications[].email", "jit:chat.requesterChannel.auth"].map((k) => [
        row(k).required,
        row(k).fallback,
        row(k).rule,
      ]),
      [
        [true, undefined, "true or false"],
        [true, undefined, patterns.email.rule],
        [false, "channelRole", "one of channelRole, userRole"],
      ],
    );
    assert.equal(row("jit:notifications").rule, "a list of unique items, each an object with email, events");
  });

  it("is a Markdown table with a row per key, its prose escaped so GitHub shows it as written", () => {
    const table = configReferenceMarkdown()
      .split("\n")
      .filter((l) => l.startsWith("| "));
    assert.equal(table.length, rows.length + 2);
    assert.match(table[0], /^\| key +\| side +\| required \| default +\| rule +\|$/);
    const stack = table.find((l) => l.startsWith("| `jit:managementStack`"));
    assert.match(stack ?? "", /a stack reference: &lt;stack&gt;, &lt;project&gt;\/&lt;stack&gt;/);
    assert.match(table.find((l) => l.startsWith("| `jit:cloudTrailSummary.logGroupName`")) ?? "", / \\_ /);
    for (const line of table) assert.equal(line.split(/(?<!\\)\|/).length, 7, line);
  });

  it("is what README.md holds between its config-reference markers (npm run docs writes it)", function () {
    const section = sectionOf(readFileSync(README, "utf8"), CONFIG_REFERENCE);
    if (section === undefined) {
      console.warn(
        `      skipped: README.md has no <!-- ${CONFIG_REFERENCE}:start --> / <!-- ${CONFIG_REFERENCE}:end --> markers yet`,
      );
      this.skip();
    }
    assert.equal(section, configReferenceMarkdown(), "README.md's config reference is out of date: run npm run docs");
  });
});
