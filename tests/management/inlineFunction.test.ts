import assert from "node:assert/strict";
import { LAMBDA_ENVIRONMENT_BYTES, withinLambdaLimit } from "../../management/inlineFunction";

describe("an inline function's environment", () => {
  it("is passed on whole while it fits Lambda's 4 KB", () => {
    const variables = { JIT_SETTINGS: "x".repeat(LAMBDA_ENVIRONMENT_BYTES - "JIT_SETTINGS".length) };
    assert.equal(withinLambdaLimit("idc-jit-dev-request-notifier", variables), variables);
  });

  it("is refused at preview, naming the function, its size and what to change, once it does not", () => {
    const variables = { JIT_SETTINGS: "é".repeat(2100) };
    assert.throws(
      () => withinLambdaLimit("idc-jit-dev-request-notifier", variables),
      /^Error: idc-jit-dev-request-notifier: its settings take 4212 bytes of environment, over the 4096 Lambda allows: name groups rather than users in jit:eligibility/,
    );
  });
});
