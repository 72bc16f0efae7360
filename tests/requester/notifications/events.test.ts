import assert from "node:assert/strict";
import {
  NOTIFICATION_INPUT_PATHS,
  REQUEST_EVENT_TYPES,
  REQUEST_EVENTS,
  type RequestEventType,
  requestEventInputPaths,
  requestEventPattern,
} from "../../../requester/notifications/events";
import { EVENT_TYPES } from "../../../shared/events";
import { matchesPattern as matches } from "../../../tools/sim/services/eventPattern";
import { select } from "./support/automation";
import { cloudTrailRecord, context, created, executionId, signal } from "./support/records";

/** The event types whose rule a record would fire. */
function firing(record: unknown): RequestEventType[] {
  return REQUEST_EVENT_TYPES.filter((type) => matches(requestEventPattern(type, context), record));
}

describe("the requester side's request events", () => {
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

  describe("input paths", () => {
    it("find the change request's execution id in each event's record", () => {
      assert.equal(select(created(), REQUEST_EVENTS.RequestCreated.executionIdPath), executionId);
      assert.equal(select(signal("Approve"), REQUEST_EVENTS.RequestApproved.executionIdPath), executionId);
      assert.equal(select(signal("Reject"), REQUEST_EVENTS.RequestRejected.executionIdPath), executionId);
      const stopped = cloudTrailRecord("StopAutomationExecution");
      assert.equal(select(stopped, REQUEST_EVENTS.RequestCancelled.executionIdPath), executionId);
    });

    it("find every CloudTrail field the notification shows", () => {
      const record = signal("Approve");
      assert.deepEqual(
        Object.fromEntries(
          Object.entries(NOTIFICATION_INPUT_PATHS).map(([name, path]) => [name, select(record, path)]),
        ),
        {
          PrincipalId: "AROAAPPROVERSSOROLE:jane.doe@example.com",
          SourceIpAddress: "2001:db8:85a3::8a2e:370:7334",
          EventTime: "2024-05-01T09:30:12Z",
          UserAgent: record.detail.userAgent,
        },
      );
    });

    it("give each rule the execution id path and the shared CloudTrail fields", () => {
      for (const type of REQUEST_EVENT_TYPES) {
        assert.deepEqual(requestEventInputPaths(type), {
          AutomationExecutionId: REQUEST_EVENTS[type].executionIdPath,
          ...NOTIFICATION_INPUT_PATHS,
        });
      }
    });
  });
});
