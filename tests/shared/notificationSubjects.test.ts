/**
 * SNS takes a Subject of printable ASCII under 100 characters and refuses any other (tools/sim/services/sns.ts cites
 * where): a notification whose subject grows past that is lost. Every subject a planned document publishes is filled
 * with the longest value each interpolated field admits, and must still fit.
 */
import assert from "node:assert/strict";
import { type RequestFacts, requestMessage } from "../../functions/requestNotifier/message";
import { END_OF_INPUT, patterns } from "../../shared/patterns";
import { REQUEST_EVENT_TYPES } from "../../shared/requestEvents";
import { MAX_SUBJECT_LENGTH } from "../../tools/sim/services/sns";
import { type Plan, planRequester } from "../support/plan";

/** The longest value each field that subjects interpolate can take, from its pattern's bound. */
const LONGEST: Record<string, string> = {
  // ^[a-zA-Z0-9_.-]{1,32}$: a requestable permission set (the form offers no other).
  PermissionSet: "P".repeat(32),
  // ^\d{12}$
  AccountId: "1".repeat(12),
};

/** `{{ PermissionSet }}` and `{{ Get_Change_Request.PermissionSet }}` are both the request's PermissionSet. */
function filled(subject: string): string {
  return subject.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, ref: string) => {
    const field = ref.split(".").pop() as string;
    const longest = LONGEST[field];
    assert.ok(longest, `a subject interpolates ${ref}, whose longest value this test does not know`);
    return longest;
  });
}

/** Every field of a request notification; the subject interpolates only the permission set and the account id. */
const REQUEST_FACTS = [
  "executionId",
  "opsItemId",
  "requestName",
  "startTime",
  "accountId",
  "accountName",
  "permissionSet",
  "duration",
  "requestingUser",
  "justification",
  "principalId",
  "sourceIpAddress",
  "eventTime",
  "userAgent",
] as const satisfies readonly (keyof RequestFacts)[];

describe("notification subjects", () => {
  let plans: Plan[];
  before(async () => {
    const { management, requester } = await planRequester();
    plans = [management, requester];
  });

  it("the bounds used are the patterns' own", () => {
    assert.equal(patterns.requestablePermissionSetName.source, `^[a-zA-Z0-9_.-]{1,32}$${END_OF_INPUT}`);
    assert.equal(patterns.accountId.source, `^\\d{12}$${END_OF_INPUT}`);
  });

  it("fit SNS's limit with the longest values, for every document of both stacks", () => {
    const subjects: string[] = [];
    for (const plan of plans) {
      for (const d of plan.ofType("aws:ssm/document:Document")) {
        for (const step of plan.document(String(d.inputs.name)).mainSteps) {
          if (step.inputs?.Api !== "Publish" || step.inputs.Subject === undefined) continue;
          const subject = filled(String(step.inputs.Subject));
          subjects.push(subject);
          assert.ok(
            subject.length <= MAX_SUBJECT_LENGTH,
            `${d.inputs.name} ${step.name}: ${subject.length} characters`,
          );
          assert.match(subject, /^[\x20-\x7e]+$/, `${d.inputs.name} ${step.name}: printable ASCII only`);
        }
      }
    }
    assert.ok(subjects.length >= 15, `${subjects.length} subjects checked`);
  });

  it("fit SNS's limit with the longest values, for every request notification the notifier sends", () => {
    for (const type of REQUEST_EVENT_TYPES) {
      const facts = Object.fromEntries(REQUEST_FACTS.map((k) => [k, "x"])) as unknown as RequestFacts;
      const { subject } = requestMessage(
        type,
        { ...facts, permissionSet: LONGEST.PermissionSet, accountId: LONGEST.AccountId },
        {
          requesterAccountId: LONGEST.AccountId,
          region: "eu-west-1",
          approvalMode: "webAndCli",
          requestForm: "changeManager",
        },
      );
      assert.ok(subject.length <= MAX_SUBJECT_LENGTH, `${type}: ${subject.length} characters`);
      assert.match(subject, /^[\x20-\x7e]+$/, type);
    }
  });
});
