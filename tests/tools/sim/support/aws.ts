/** What the service fakes' tests share: the matcher for the AwsError a call fails with, and the caller they call as. */
import assert from "node:assert/strict";
import { AwsError, type Caller } from "../../../../tools/sim/aws";
import { GRANT_WORKFLOW_ROLE, MANAGEMENT, REGION } from "../../../management/iam/fixtures";

/** An assert.throws/rejects matcher for an AwsError with `code`. */
export const awsError = (code: string) => (err: unknown) => {
  assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
  assert.equal(err.code, code);
  return true;
};

/** A session of the grant workflow's role in the management account (the role Automation assumes). */
export const GRANT_WORKFLOW: Caller = {
  account: MANAGEMENT,
  region: REGION,
  roleArn: GRANT_WORKFLOW_ROLE,
  sessionName: "grant-workflow",
};
