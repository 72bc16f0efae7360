import assert from "node:assert/strict";
import { endAccessDocument, SEND_END_REQUEST_STEP } from "../../../requester/endRequest/document";
import { accessEndRequestEvent, END_REQUEST_FIELDS } from "../../../shared/events";
import { checkDocument, formatFinding } from "../../../shared/ssm/check";
import { documentContent } from "../../../shared/ssm/serialize";

const ARGS = {
  assumeRoleArn: "arn:aws:iam::444455556666:role/idc-jit-dev-end-request",
  requestBusArn: "arn:aws:events:eu-west-1:111122223333:event-bus/idc-jit-dev-access-requests",
};

interface Content {
  assumeRole: string;
  parameters: Record<string, { allowedPattern?: string }>;
  mainSteps: { name: string; action: string; isEnd?: boolean; inputs: Record<string, unknown> }[];
}

describe("the end-access document", () => {
  const content = documentContent(endAccessDocument(ARGS)) as unknown as Content;

  it("passes the document checks", () => {
    const findings = checkDocument(documentContent(endAccessDocument(ARGS)), "Automation");
    assert.deepEqual(findings.map(formatFinding), []);
  });

  it("takes the request id and a reason, each checked by an anchored pattern, and runs as its own role", () => {
    assert.equal(content.assumeRole, ARGS.assumeRoleArn);
    assert.deepEqual(Object.keys(content.parameters), ["RequestId", "Reason"]);
    assert.equal(content.parameters.RequestId.allowedPattern, "^[a-zA-Z0-9-]{36}$(?![\\s\\S])");
    assert.match(String(content.parameters.Reason.allowedPattern), /^\^.*\$\(\?!\[\\s\\S\]\)$/);
  });

  it("only sends one end request to the management bus, naming the request, itself and the reason, and ends", () => {
    assert.deepEqual(
      content.mainSteps.map((s) => s.name),
      [SEND_END_REQUEST_STEP],
    );
    const [send] = content.mainSteps;
    assert.equal(send.isEnd, true);
    const [entry] = send.inputs.Entries as Record<string, string>[];
    assert.equal(entry.EventBusName, ARGS.requestBusArn);
    assert.equal(entry.Source, accessEndRequestEvent.source);
    assert.equal(entry.DetailType, accessEndRequestEvent.detailType);
    const detail = JSON.parse(entry.Detail) as Record<string, string>;
    assert.deepEqual(Object.keys(detail), [...END_REQUEST_FIELDS]);
    assert.deepEqual(detail, {
      RequestId: "{{ RequestId }}",
      EndExecutionId: "{{ automation:EXECUTION_ID }}",
      Reason: "{{ Reason }}",
    });
  });
});
