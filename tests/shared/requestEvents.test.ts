import assert from "node:assert/strict";
import fc from "fast-check";
import { EVENT_TYPES } from "../../shared/events";
import {
  REQUEST_EVENT_TYPES,
  REQUEST_EVENTS,
  type RequestEventType,
  requestEventOf,
  requestEventPattern,
} from "../../shared/requestEvents";
import { matchesPattern as matches } from "../../tools/sim/services/eventPattern";
import { cloudTrailRecord, context, created, executionId, signal } from "../support/cloudTrailRecords";

/** The event types whose rule a record would fire. */
function firing(record: unknown): RequestEventType[] {
  return REQUEST_EVENT_TYPES.filter((type) => matches(requestEventPattern(type, context), record));
}

describe("request events", () => {
  it("are the four request event types, each a notification event type", () => {
    assert.deepEqual(Object.keys(REQUEST_EVENTS), [...REQUEST_EVENT_TYPES]);
    assert.deepEqual(REQUEST_EVENT_TYPES, ["RequestCreated", "RequestApproved", "RequestRejected", "RequestCancelled"]);
    for (const type of REQUEST_EVENT_TYPES) assert.ok(EVENT_TYPES.includes(type));
  });

  it("name the principal of each event with its own word", () => {
    assert.deepEqual(
      REQUEST_EVENT_TYPES.map((t) => REQUEST_EVENTS[t].principalWord),
      ["Requester", "Approver", "Rejector", "Canceller"],
    );
  });

  describe("patterns", () => {
    it("match CloudTrail's record of a successful Systems Manager call", () => {
      for (const type of REQUEST_EVENT_TYPES) {
        const pattern = requestEventPattern(type, context);
        assert.deepEqual(pattern.source, ["aws.ssm"]);
        assert.deepEqual(pattern["detail-type"], ["AWS API Call via CloudTrail"]);
        assert.deepEqual(pattern.detail.eventSource, ["ssm.amazonaws.com"]);
        assert.deepEqual(pattern.detail.errorCode, [{ exists: false }]);
      }
    });

    it("RequestCreated: a change request raised from the change template without auto-approval", () => {
      assert.deepEqual(requestEventPattern("RequestCreated", context).detail, {
        eventSource: ["ssm.amazonaws.com"],
        eventName: ["StartChangeRequestExecution"],
        errorCode: [{ exists: false }],
        requestParameters: { documentName: ["idc-jit-dev-access-request"], autoApprove: [false, { exists: false }] },
      });
    });

    it("RequestCreated: fires whether CloudTrail shows autoApprove false or leaves it out, never for true", () => {
      const { autoApprove: _, ...withoutAutoApprove } = created().detail.requestParameters as Record<string, unknown>;
      assert.deepEqual(
        firing(cloudTrailRecord("StartChangeRequestExecution", { requestParameters: withoutAutoApprove })),
        ["RequestCreated"],
      );
      assert.deepEqual(firing(created({ autoApprove: false })), ["RequestCreated"]);
      assert.deepEqual(firing(created({ autoApprove: true })), []);
    });

    it("RequestApproved and RequestRejected: a signal of that type (only people signal: no role of ours does)", () => {
      for (const [type, signalType] of [
        ["RequestApproved", "Approve"],
        ["RequestRejected", "Reject"],
      ] as const) {
        assert.deepEqual(requestEventPattern(type, context).detail, {
          eventSource: ["ssm.amazonaws.com"],
          eventName: ["SendAutomationSignal"],
          errorCode: [{ exists: false }],
          requestParameters: { signalType: [signalType] },
        });
      }
    });

    it("RequestCancelled: a stopped Automation execution", () => {
      assert.deepEqual(requestEventPattern("RequestCancelled", context).detail, {
        eventSource: ["ssm.amazonaws.com"],
        eventName: ["StopAutomationExecution"],
        errorCode: [{ exists: false }],
      });
    });

    it("fire exactly one rule for each kind of record", () => {
      assert.deepEqual(firing(created()), ["RequestCreated"]);
      assert.deepEqual(firing(signal("Approve")), ["RequestApproved"]);
      assert.deepEqual(firing(signal("Reject")), ["RequestRejected"]);
      assert.deepEqual(firing(cloudTrailRecord("StopAutomationExecution")), ["RequestCancelled"]);
    });

    it("fire nothing for requests from another template, auto-approved requests, or other signals", () => {
      assert.deepEqual(firing(created({ documentName: "some-other-template" })), []);
      assert.deepEqual(firing(created({ autoApprove: true })), []);
      assert.deepEqual(firing(signal("Resume")), []);
    });

    it("fire nothing for calls Systems Manager refused (an approval that was denied approved nothing)", () => {
      assert.deepEqual(firing(signal("Approve", { errorCode: "AccessDeniedException" })), []);
      assert.deepEqual(
        firing(cloudTrailRecord("StopAutomationExecution", { errorCode: "InvalidAutomationStatus" })),
        [],
      );
    });
  });

  describe("requestEventOf, the notifier's own reading of a record", () => {
    it("finds each event type and the change request's execution id where its record keeps it", () => {
      assert.deepEqual(requestEventOf(created().detail, context), { type: "RequestCreated", executionId });
      assert.deepEqual(requestEventOf(signal("Approve").detail, context), { type: "RequestApproved", executionId });
      assert.deepEqual(requestEventOf(signal("Reject").detail, context), { type: "RequestRejected", executionId });
      assert.deepEqual(requestEventOf(cloudTrailRecord("StopAutomationExecution").detail, context), {
        type: "RequestCancelled",
        executionId,
      });
    });

    it("agrees with the rules' patterns on every record, so a rule that forwarded too much changes nothing", () => {
      const record = fc.record(
        {
          eventSource: fc.constantFrom("ssm.amazonaws.com", "sso.amazonaws.com"),
          eventName: fc.constantFrom(
            "StartChangeRequestExecution",
            "SendAutomationSignal",
            "StopAutomationExecution",
            "StartAutomationExecution",
          ),
          errorCode: fc.constantFrom("AccessDenied", "InvalidAutomationStatus"),
          requestParameters: fc.record(
            {
              documentName: fc.constantFrom(context.changeTemplateName, "other-template"),
              autoApprove: fc.constantFrom(true, false),
              signalType: fc.constantFrom("Approve", "Reject", "Resume", "StartStep"),
              automationExecutionId: fc.constant(executionId),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ["eventSource", "eventName"] },
      );
      fc.assert(
        fc.property(record, (detail) => {
          const firing = REQUEST_EVENT_TYPES.filter((type) =>
            matches(requestEventPattern(type, context), {
              source: "aws.ssm",
              "detail-type": "AWS API Call via CloudTrail",
              detail,
            }),
          );
          const found = requestEventOf(detail, context);
          assert.ok(firing.length <= 1, `one record fired ${firing.join(", ")}`);
          assert.equal(found?.type, firing[0], JSON.stringify(detail));
        }),
        { numRuns: 500 },
      );
    });

    it("finds nothing in what is not a record", () => {
      for (const detail of [undefined, null, "text", [], {}, { eventSource: "ssm.amazonaws.com" }]) {
        assert.equal(requestEventOf(detail, context), undefined);
      }
    });
  });
});
