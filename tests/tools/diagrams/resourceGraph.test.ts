import assert from "node:assert/strict";
import { arnTarget, resourceGraph } from "../../../tools/diagrams/resourceGraph";
import type { PlannedResource } from "../../../tools/sim/deployment";

const OWN = "111122223333";
const OTHER = "444455556666";

const resource = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({
  type,
  name,
  inputs,
});

describe("resource graph of a planned stack", () => {
  it("reads what an ARN names, for the resource kinds drawn", () => {
    assert.deepEqual(arnTarget(`arn:aws:events:eu-west-1:${OTHER}:event-bus/feedback`), {
      kind: "bus",
      account: OTHER,
      name: "feedback",
    });
    assert.deepEqual(arnTarget(`arn:aws:ssm:eu-west-1:${OWN}:automation-definition/grant:$LATEST`), {
      kind: "runbook",
      account: OWN,
      name: "grant",
    });
    assert.deepEqual(arnTarget(`arn:aws:lambda:eu-west-1:${OWN}:function:summary`)?.name, "summary");
    assert.deepEqual(arnTarget(`arn:aws:sns:eu-west-1:${OWN}:topic`)?.kind, "topic");
    assert.deepEqual(arnTarget(`arn:aws:iam::${OWN}:role/service-role/path/runner`)?.name, "runner");
    assert.equal(arnTarget(`arn:aws:events:eu-west-1:${OWN}:rule/some-rule`), undefined);
    assert.equal(arnTarget("arn:aws:sso:::instance/ssoins-0123456789abcdef"), undefined);
  });

  it("links a rule on the default bus to a target in another account by a cross-account edge to a node of its own", () => {
    const graph = resourceGraph({
      account: OWN,
      region: "eu-west-1",
      resources: [
        resource("aws:cloudwatch/eventRule:EventRule", "forward", { name: "forward", eventPattern: "{}" }),
        resource("aws:iam/role:Role", "role", { name: "forwarder" }),
        resource("aws:cloudwatch/eventTarget:EventTarget", "forward-target", {
          rule: "forward",
          arn: `arn:aws:events:eu-west-1:${OTHER}:event-bus/requests`,
          roleArn: `arn:aws:iam::${OWN}:role/forwarder`,
        }),
      ],
    });
    const label = (id: string) => {
      const n = graph.nodes.find((x) => x.id === id);
      return n ? `${n.kind} ${n.name}${n.account ? ` @${n.account}` : ""}` : id;
    };
    assert.deepEqual(
      graph.edges.map((e) => `${label(e.from)} -${e.style}-> ${label(e.to)} [${e.labels.join(", ")}]`),
      [
        "bus default -call-> rule forward []",
        `rule forward -crossAccount-> bus requests @${OTHER} [target]`,
        "rule forward -assumes-> role forwarder [assumes]",
      ],
    );
  });

  it("links a runbook to what its steps address, once per target with every API named", () => {
    const topic = `arn:aws:sns:eu-west-1:${OWN}:alerts`;
    const content = [
      "schemaVersion: '0.3'",
      `assumeRole: arn:aws:iam::${OWN}:role/runner`,
      "mainSteps:",
      "  - name: One",
      "    action: aws:executeAwsApi",
      `    inputs: { Service: sns, Api: Publish, TopicArn: '${topic}' }`,
      "  - name: Two",
      "    action: aws:executeAwsApi",
      `    inputs: { Service: sns, Api: Publish, TopicArn: '${topic}' }`,
      "  - name: Three",
      "    action: aws:executeAwsApi",
      `    inputs: { Service: sns, Api: GetTopicAttributes, TopicArn: '${topic}' }`,
      "  - name: Four",
      "    action: aws:invokeLambdaFunction",
      "    inputs: { FunctionName: summary }",
    ].join("\n");
    const graph = resourceGraph({
      account: OWN,
      region: "eu-west-1",
      resources: [
        resource("aws:ssm/document:Document", "doc", { name: "runbook", documentType: "Automation", content }),
        resource("aws:sns/topic:Topic", "topic", { name: "alerts" }),
        resource("aws:iam/role:Role", "role", { name: "runner" }),
        resource("aws:lambda/function:Function", "fn", { name: "summary", role: `arn:aws:iam::${OWN}:role/runner` }),
      ],
    });
    const name = (id: string) => graph.nodes.find((n) => n.id === id)?.name;
    const edges = graph.edges.map((e) => [name(e.from), e.style, name(e.to), e.labels]);
    assert.deepEqual(
      edges.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        ["runbook", "assumes", "runner", ["assumes"]],
        ["runbook", "call", "alerts", ["Publish", "GetTopicAttributes"]],
        ["runbook", "call", "summary", ["Invoke"]],
        ["summary", "assumes", "runner", ["assumes"]],
      ],
    );
  });
});
