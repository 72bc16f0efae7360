import * as assert from "node:assert/strict";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { DEAD_LETTER_BATCHES, notice } from "../../../functions/reconciler/deadLetters";
import { type DeadLetter, END_DEAD_LETTERS, REQUEST_DEAD_LETTERS, useWorld } from "./world";

/** An approved request's event, as EventBridge puts it in the grant rule's dead-letter queue. */
const undeliveredRequest = (n: number, detail: Record<string, unknown> = {}): DeadLetter => ({
  body: JSON.stringify({
    source: "identity-center-jit.requester",
    "detail-type": "AccessRequest",
    account: "444455556666",
    detail: {
      AccountId: "777788889999",
      PermissionSet: "AWSAdministratorAccess",
      Duration: "2",
      RequestingUser: "alice",
      Justification: "INC-4711",
      RequesterExecutionId: `0f1e2d3c-4b5a-4697-8877-${String(n).padStart(12, "0")}`,
      ...detail,
    },
  }),
  attributes: {
    ERROR_CODE: "ValidationException",
    ERROR_MESSAGE: "Document idc-jit-dev-grant-access does not exist",
    RETRY_ATTEMPTS: "0",
    RULE_ARN: "arn:aws:events:eu-west-1:999999999999:rule/jit-requests/jit-grant",
    TARGET_ARN: "arn:aws:ssm:eu-west-1:999999999999:automation-definition/idc-jit-dev-grant-access:$LATEST",
  },
  receipt: `request-${n}`,
  hidden: false,
});

/** An end schedule's input, as Scheduler puts it in the end dead-letter queue. */
const undeliveredEnd: DeadLetter = {
  body: JSON.stringify({
    DocumentName: "jit-end-access",
    Parameters: { RequestId: ["0f1e2d3c-4b5a-4697-8877-000000000042"], Cause: ["schedule"] },
  }),
  attributes: { ERROR_CODE: "AccessDeniedException", ERROR_MESSAGE: "not authorized", RETRY_ATTEMPTS: "185" },
  receipt: "end-1",
  hidden: false,
};

describe("the reconciler's report of dead letters", () => {
  const w = useWorld();

  it("tells of an approved request EventBridge could not deliver, naming it and the cause, and deletes the message", async () => {
    w.queues.get(REQUEST_DEAD_LETTERS)!.push(undeliveredRequest(1));
    const report = await w.run();
    assert.equal(report.deadLetters, 1);
    assert.deepEqual(w.queues.get(REQUEST_DEAD_LETTERS), []);
    const [notice] = w.published;
    assert.equal(notice.eventType, "Error");
    assert.equal(notice.subject, "JIT access request NOT delivered: AWSAdministratorAccess on 777788889999");
    assert.match(notice.message, /alice asked for AWSAdministratorAccess on 777788889999 for 2 \(request 0f1e2d3c-/);
    assert.match(notice.message, /ValidationException: Document idc-jit-dev-grant-access does not exist \(0 retries\)/);
    assert.match(notice.message, /Nothing was granted/);
  });

  it("tells of an end Scheduler could not deliver, and that the reconciler ends the grant anyway", async () => {
    w.queues.get(END_DEAD_LETTERS)!.push(undeliveredEnd);
    await w.run();
    const [notice] = w.published;
    assert.equal(notice.subject, "JIT access end NOT delivered: request 0f1e2d3c-4b5a-4697-8877-000000000042");
    assert.match(notice.message, /the reconciler ends the grant once it is overdue/);
    assert.match(notice.message, /AccessDeniedException: not authorized \(185 retries\)/);
  });

  it("shows a field of the requester account's event only if it keeps its rule: a forged one puts no words of its own", async () => {
    w.queues.get(REQUEST_DEAD_LETTERS)!.push(
      undeliveredRequest(1, {
        RequestingUser: `mallory\r\nSubject: forged${"x".repeat(500)}`,
        AccountId: 42,
        PermissionSet: "Click https://evil.example",
      }),
    );
    await w.run();
    const [notice] = w.published;
    assert.equal(notice.subject, "JIT access request NOT delivered: (invalid) on (unknown)");
    assert.match(notice.message, /^\(invalid\) asked for \(invalid\) on \(unknown\) for 2 \(request 0f1e2d3c-/m);
    assert.ok(!/evil|forged|mallory/.test(notice.message));
  });

  it("tells of a reminder firing the notifier failed on: which request, and that no further reminder follows", () => {
    const id = "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const told = notice("notification", {
      Body: JSON.stringify({ kind: "ApprovalReminder", executionId: id }),
      MessageAttributes: {
        ErrorMessage: { DataType: "String", StringValue: "AccessDenied" },
        RequestID: { DataType: "String", StringValue: "r-1" },
      },
    });
    assert.equal(told.subject, "JIT request reminder NOT sent");
    assert.match(told.message, new RegExp(`pending request ${id} was not handled`));
    assert.match(told.message, /no further reminder follows/);
    assert.match(told.message, /the function failed on every attempt: AccessDenied/);
  });

  it("tells of open sessions the session revoker failed to cut: whose, which set and account, and what to do", () => {
    const event = {
      requestId: "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      userId: "9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ab",
      accountId: "777788889999",
      permissionSetArn: "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
      revokedAt: 1_767_614_400,
    };
    const told = notice("end", {
      Body: JSON.stringify(event),
      MessageAttributes: {
        ErrorMessage: { DataType: "String", StringValue: "provisioning ended FAILED" },
        RequestID: { DataType: "String", StringValue: "r-1" },
      },
    });
    assert.equal(told.subject, `JIT open sessions NOT cut: request ${event.requestId}`);
    assert.match(told.message, new RegExp(`user ${event.userId} opened with .*ps-0123456789abcdef on 777788889999`));
    assert.match(told.message, /the function failed on every attempt: provisioning ended FAILED/);
    const forged = notice("end", { Body: JSON.stringify({ ...event, userId: "mallory was here" }) });
    assert.match(forged.message, /user \(invalid\) opened/);
  });

  describe("an event another rule could not deliver (the event dead-letter queue)", () => {
    const RULE_ARN = "arn:aws:events:eu-west-1:999999999999:rule/jit-requests/jit-end-request";
    const undelivered = (event: Record<string, unknown>, ruleArn = RULE_ARN) =>
      notice("event", {
        Body: JSON.stringify(event),
        MessageAttributes: {
          ERROR_CODE: { DataType: "String", StringValue: "ThrottlingException" },
          ERROR_MESSAGE: { DataType: "String", StringValue: "Rate exceeded" },
          RETRY_ATTEMPTS: { DataType: "String", StringValue: "185" },
          RULE_ARN: { DataType: "String", StringValue: ruleArn },
        },
      });

    it("tells of an early end that did not start: which request, that the grant runs to its end, and how to end it", () => {
      const told = undelivered({
        source: "identity-center-jit.requester",
        "detail-type": "AccessEndRequest",
        detail: { RequestId: "0f1e2d3c-4b5a-4697-8877-000000000042", EndExecutionId: "x" },
      });
      assert.equal(told.eventType, "Error");
      assert.equal(told.subject, "JIT event NOT delivered: rule jit-end-request");
      assert.match(told.message, /early end asked for request 0f1e2d3c-4b5a-4697-8877-000000000042 did not start/);
      assert.match(told.message, /lasts until its scheduled end/);
      assert.match(told.message, /ThrottlingException: Rate exceeded \(185 retries\)/);
    });

    it("tells of a stopped or rejected change request whose end did not start, naming its execution", () => {
      const told = undelivered(
        {
          source: "aws.ssm",
          "detail-type": "AWS API Call via CloudTrail",
          detail: {
            eventName: "StopAutomationExecution",
            eventTime: "2026-12-04T10:00:00Z",
            requestParameters: { automationExecutionId: "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
          },
        },
        "arn:aws:events:eu-west-1:999999999999:rule/jit-requests/jit-change-request-ended",
      );
      assert.equal(told.subject, "JIT event NOT delivered: rule jit-change-request-ended");
      assert.match(told.message, /StopAutomationExecution record .*execution 0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/);
      assert.match(told.message, /its grant was not ended/);
    });

    it("tells of a permission set sync run that did not start (a schedule on the default bus)", () => {
      const told = undelivered(
        { source: "aws.events", "detail-type": "Scheduled Event", detail: {} },
        "arn:aws:events:eu-west-1:999999999999:rule/jit-permission-set-sync",
      );
      assert.equal(told.subject, "JIT event NOT delivered: rule jit-permission-set-sync");
      assert.match(told.message, /permission set sync did not start/);
    });

    it("names no rule, request or execution a forged message makes up", () => {
      const told = undelivered(
        {
          "detail-type": "AccessEndRequest",
          detail: { RequestId: "Click https://evil.example", requestParameters: { automationExecutionId: "evil" } },
        },
        "arn:aws:events:eu-west-1:999999999999:rule/evil rule\r\nSubject: forged",
      );
      assert.equal(told.subject, "JIT event NOT delivered: rule (unknown)");
      assert.match(told.message, /request \(invalid\) did not start/);
      assert.ok(!/evil|forged/.test(told.message));
    });
  });

  it("reports a message once, even if its delete is lost and it is read again", async () => {
    const message = undeliveredRequest(1);
    w.queues.get(REQUEST_DEAD_LETTERS)!.push(message);
    await w.run();
    // As if the delete had not taken: the message is back.
    w.queues.get(REQUEST_DEAD_LETTERS)!.push({ ...message, hidden: false });
    w.clock.now += 5 * 60_000;
    await w.run();
    assert.equal(w.published.length, 1);
    assert.deepEqual(w.queues.get(REQUEST_DEAD_LETTERS), [], "deleted the second time");
  });

  it("takes at most a quarter of a small budget beyond each queue's first read: the sweep keeps the rest", async () => {
    const queue = w.queues.get(REQUEST_DEAD_LETTERS)!;
    for (let n = 1; n <= 10; n++) queue.push(undeliveredRequest(n));
    const report = await w.run({ callBudget: 40 });
    // A quarter of 40 is 10: the first read (1) and two messages (4 calls each) fit, a third does not.
    assert.equal(report.deadLetters, 2);
    assert.equal(queue.length, 8);
  });

  it("reads a message that is not JSON as a request with nothing known, and still reports it", async () => {
    w.queues.get(REQUEST_DEAD_LETTERS)!.push({ ...undeliveredRequest(1), body: "not json" });
    await w.run();
    assert.equal(w.published[0].subject, "JIT access request NOT delivered: (unknown) on (unknown)");
  });

  it(`reads at most ${DEAD_LETTER_BATCHES} batches of ten per queue in a run, budget allowing; the next run reads on`, async () => {
    const queue = w.queues.get(REQUEST_DEAD_LETTERS)!;
    for (let n = 1; n <= 10 * DEAD_LETTER_BATCHES + 5; n++) queue.push(undeliveredRequest(n));
    assert.equal((await w.run({ callBudget: 1000 })).deadLetters, 10 * DEAD_LETTER_BATCHES);
    assert.equal((await w.run({ callBudget: 1000 })).deadLetters, 5);
    assert.deepEqual(queue, []);
  });

  it("keeps a message it could not report, for a later run (it is not deleted)", async () => {
    w.queues.get(REQUEST_DEAD_LETTERS)!.push(undeliveredRequest(1));
    const failing = mockClient(SNSClient);
    failing.on(PublishCommand).rejects(new Error("SNS is down"));
    const report = await w.run();
    failing.restore();
    assert.equal(report.deadLetters, 0);
    assert.match(report.errors.join("; "), /reporting dead letter request-1: Error: SNS is down/);
    assert.equal(w.queues.get(REQUEST_DEAD_LETTERS)!.length, 1, "not deleted");
  });
});
