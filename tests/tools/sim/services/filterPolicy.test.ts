/**
 * The SNS filter policy matcher against the examples of the Amazon SNS Developer Guide: "Example filter policies",
 * "String value matching", "Numeric value matching", "Key matching", "AND/OR logic" and "Filter policy constraints".
 */
import assert from "node:assert/strict";
import { AwsError } from "../../../../tools/sim/aws";
import {
  type MessageAttributes,
  matchesFilterPolicy,
  validateFilterPolicy,
} from "../../../../tools/sim/services/filterPolicy";

const str = (StringValue: string) => ({ DataType: "String", StringValue });
const num = (StringValue: string) => ({ DataType: "Number", StringValue });
const arr = (values: unknown[]) => ({ DataType: "String.Array", StringValue: JSON.stringify(values) });

/** Asserts which of `messages` a policy accepts (`true`) and rejects (`false`). */
function assertMatches(policy: unknown, cases: [MessageAttributes, boolean][]): void {
  validateFilterPolicy(policy);
  for (const [attributes, expected] of cases) {
    assert.equal(
      matchesFilterPolicy(policy, attributes),
      expected,
      `${JSON.stringify(policy)} on ${JSON.stringify(attributes)} should ${expected ? "" : "not "}match`,
    );
  }
}

function assertRefused(policy: unknown, rule: RegExp): void {
  assert.throws(
    () => validateFilterPolicy(policy),
    (err: unknown) => err instanceof AwsError && err.code === "InvalidParameter" && rule.test(err.message),
  );
}

describe("SNS subscription filter policies (MessageAttributes scope)", () => {
  describe("the example message of 'Example filter policies'", () => {
    const message: MessageAttributes = {
      customer_interests: arr(["soccer", "rugby", "hockey"]),
      store: str("example_corp"),
      event: str("order_placed"),
      price_usd: num("210.75"),
    };

    it("is accepted by 'A policy that accepts the example message'", () => {
      const policy = {
        store: ["example_corp"],
        event: [{ "anything-but": "order_cancelled" }],
        customer_interests: ["rugby", "football", "baseball"],
        price_usd: [{ numeric: [">=", 100] }],
      };
      assertMatches(policy, [[message, true]]);
    });

    it("is rejected by 'A policy that rejects the example message' (encrypted is absent, whatever its value)", () => {
      const policy = {
        store: ["example_corp"],
        event: ["order_cancelled"],
        encrypted: [false],
        customer_interests: ["basketball", "baseball"],
      };
      assertMatches(policy, [[message, false]]);
      assertMatches({ encrypted: [false] }, [[message, false]]);
    });
  });

  describe("string value matching", () => {
    it("matches exact values, each String.Array element on its own, case-sensitively", () => {
      assertMatches({ customer_interests: ["rugby", "tennis"] }, [
        [{ customer_interests: str("rugby") }, true],
        [{ customer_interests: str("tennis") }, true],
        [{ customer_interests: arr(["rugby", "tennis"]) }, true],
        [{ customer_interests: str("baseball") }, false],
        [{ customer_interests: arr(["baseball"]) }, false],
        [{ customer_interests: str("Rugby") }, false],
      ]);
    });

    it("matches a prefix", () => {
      assertMatches({ customer_interests: [{ prefix: "bas" }] }, [
        [{ customer_interests: str("baseball") }, true],
        [{ customer_interests: str("basketball") }, true],
        [{ customer_interests: str("rugby") }, false],
      ]);
    });

    it("matches a suffix, and a value regardless of case with equals-ignore-case", () => {
      assertMatches({ customer_interests: [{ suffix: "ball" }] }, [
        [{ customer_interests: str("baseball") }, true],
        [{ customer_interests: str("rugby") }, false],
      ]);
      assertMatches({ customer_interests: [{ "equals-ignore-case": "tennis" }] }, [
        [{ customer_interests: str("TENNIS") }, true],
        [{ customer_interests: str("Tennis") }, true],
        [{ customer_interests: str("baseball") }, false],
      ]);
    });

    it("matches anything but the listed values; a String.Array only if none of its elements is listed", () => {
      // The current page: "For String.Array type attributes, it matches if none of the array elements are listed
      // in the policy property" (its 2022 version said the opposite, "because it contains a value that isn't").
      assertMatches({ customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, [
        [{ customer_interests: str("baseball") }, true],
        [{ customer_interests: str("football") }, true],
        [{ customer_interests: arr(["baseball", "football"]) }, true],
        [{ customer_interests: str("rugby") }, false],
        [{ customer_interests: arr(["rugby", "baseball"]) }, false],
      ]);
    });

    it("matches anything but a prefix", () => {
      assertMatches({ event: [{ "anything-but": { prefix: "order-" } }] }, [
        [{ event: str("data-entry") }, true],
        [{ event: str("order_number") }, true],
        [{ event: str("order-cancelled") }, false],
      ]);
    });
  });

  describe("numeric value matching", () => {
    it("matches an equal number however it is written", () => {
      assertMatches({ price_usd: [{ numeric: ["=", 301.5] }] }, [
        [{ price_usd: num("301.5") }, true],
        [{ price_usd: num("3.015e2") }, true],
        [{ price_usd: num("301.6") }, false],
      ]);
    });

    it("matches anything but the listed numbers", () => {
      assertMatches({ price: [{ "anything-but": [100, 500] }] }, [
        [{ price: num("101") }, true],
        [{ price: num("100.1") }, true],
        [{ price: num("100") }, false],
      ]);
    });

    it("matches open and closed ranges", () => {
      assertMatches({ price_usd: [{ numeric: ["<", 0] }] }, [
        [{ price_usd: num("-0.5") }, true],
        [{ price_usd: num("0") }, false],
      ]);
      assertMatches({ price_usd: [{ numeric: [">", 0, "<=", 150] }] }, [
        [{ price_usd: num("150") }, true],
        [{ price_usd: num("0.1") }, true],
        [{ price_usd: num("0") }, false],
        [{ price_usd: num("150.5") }, false],
      ]);
    });

    it("compares numbers only with Number attributes, not with a String that looks like one", () => {
      assertMatches({ price_usd: [{ numeric: [">", 100] }] }, [[{ price_usd: str("210.75") }, false]]);
    });
  });

  describe("key matching", () => {
    const withStore: MessageAttributes = {
      store: str("fans"),
      customer_interests: arr(["baseball", "basketball"]),
    };
    const withoutStore: MessageAttributes = { customer_interests: arr(["baseball", "basketball"]) };

    it("exists: true matches only messages that have the attribute", () => {
      assertMatches({ store: [{ exists: true }] }, [
        [withStore, true],
        [withoutStore, false],
      ]);
    });

    it("exists: false matches only messages without the attribute, and never a message without attributes", () => {
      assertMatches({ store: [{ exists: false }] }, [
        [withStore, false],
        [withoutStore, true],
        [{}, false],
      ]);
    });

    it("ignores Binary attributes", () => {
      assertMatches({ store: [{ exists: true }] }, [
        [{ store: { DataType: "Binary", BinaryValue: "ZmFucw==" } }, false],
      ]);
    });
  });

  describe("AND/OR logic", () => {
    it("requires every attribute name (AND) and one of each name's values (OR)", () => {
      assertMatches({ customer_interests: ["rugby"], price_usd: [{ numeric: [">", 100] }] }, [
        [{ customer_interests: str("rugby"), price_usd: num("101") }, true],
        [{ customer_interests: str("rugby"), price_usd: num("99") }, false],
        [{ customer_interests: str("rugby") }, false],
      ]);
      assertMatches({ customer_interests: ["rugby", "football", "baseball"] }, [
        [{ customer_interests: str("football") }, true],
        [{ customer_interests: str("hockey") }, false],
      ]);
    });

    it("reads $or as 'source && (metricName || namespace)' (the 'Standard OR' example)", () => {
      const policy = {
        source: ["aws.cloudwatch"],
        $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }],
      };
      assertMatches(policy, [
        [{ source: str("aws.cloudwatch"), metricName: str("CPUUtilization") }, true],
        [{ source: str("aws.cloudwatch"), namespace: str("AWS/EC2") }, true],
        [{ source: str("aws.cloudwatch") }, false],
        [{ metricName: str("CPUUtilization"), namespace: str("AWS/EC2") }, false],
      ]);
    });

    it("does not read $or as OR when its branches use reserved keywords, or there is only one branch", () => {
      assertRefused({ $or: [{ numeric: 123 }, { prefix: "abc" }] }, /numeric/);
      assertRefused({ $or: [{ store: ["fans"] }] }, /Unrecognized match type store/);
    });
  });

  describe("constraints Subscribe enforces", () => {
    it("accepts the 3 x 1 x 2 = 6 combinations example and refuses more than 150 combinations", () => {
      validateFilterPolicy({
        key_a: ["value_one", "value_two", "value_three"],
        key_b: ["value_one"],
        key_c: ["value_one", "value_two"],
      });
      const thirteen = Array.from({ length: 13 }, (_, i) => `value_${i}`);
      assertRefused({ key_a: thirteen, key_b: thirteen }, /Filter policy is too complex/);
    });

    it("refuses more than five attribute names", () => {
      const six = Object.fromEntries(["a", "b", "c", "d", "e", "f"].map((key) => [key, ["x"]]));
      assertRefused(six, /can not have more than 5 keys/);
    });

    it("refuses nested policies, values that are not arrays, and empty arrays", () => {
      assertRefused({ key_a: { key_b: ["x"] } }, /does not support nested filter policy/);
      assertRefused({ key_a: "value_one" }, /"key_a" must be an object or an array/);
      assertRefused({ key_a: [] }, /Empty arrays are not allowed/);
    });

    it("refuses malformed match expressions", () => {
      assertRefused({ a: [{ prefix: "x", suffix: "y" }] }, /Only one key allowed in match expression/);
      assertRefused({ a: [{ contains: "x" }] }, /Unrecognized match type contains/);
      assertRefused({ a: [{ exists: "yes" }] }, /exists match pattern must be either true or false/);
      assertRefused({ a: [{ prefix: 1 }] }, /prefix match pattern must be a string/);
      assertRefused({ a: [{ numeric: ["~", 1] }] }, /Unrecognized numeric range operator/);
      assertRefused({ a: [{ numeric: [">", 10, "<", 5] }] }, /Bottom must be less than top/);
      assertRefused({ a: [{ "anything-but": { suffix: "x" } }] }, /Unsupported anything-but pattern: suffix/);
      assertRefused({ a: [["nested"]] }, /Match value must be String, number, true, false, or null/);
    });
  });
});
