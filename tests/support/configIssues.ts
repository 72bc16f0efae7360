/** Reading one side's config in a variant of its example stack, and asserting how a bad variant is rejected. */
import assert from "node:assert/strict";
import { ConfigError, type ConfigIssue } from "../../shared/config/checks";
import { type StoredConfig, splitStoredConfig } from "../../shared/config/common";
import { configWith, type Overrides } from "./plan";

export function configReader<T>(stack: string, read: (stored: StoredConfig) => T) {
  const readVariant = (overrides: Overrides = {}) => read(splitStoredConfig(configWith(stack, overrides)));

  /** The issues a variant is rejected with (fails the test if it is accepted). */
  const issuesOf = (overrides: Overrides): ConfigIssue[] => {
    try {
      readVariant(overrides);
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
      return [...err.issues];
    }
    assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
  };

  const assertRejected = (overrides: Overrides, key: string, rule: RegExp) => {
    const issues = issuesOf(overrides);
    assert.ok(
      issues.some((i) => i.key === key && rule.test(i.rule)),
      `expected an issue for ${key} matching ${rule}, got ${JSON.stringify(issues)}`,
    );
  };

  return { read: readVariant, issuesOf, assertRejected };
}
