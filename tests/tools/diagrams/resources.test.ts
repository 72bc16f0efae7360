import assert from "node:assert/strict";
import { names } from "../../../shared/naming";
import { resourceDiagram } from "../../../tools/diagrams/resources";
import type { PlannedStack } from "../../../tools/sim/deployment";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { exampleDeployment } from "../sim/support/deployment";
import { type DrawnEdge, readFlowchart } from "./support/flowchart";
import { flowchartProblems } from "./support/mermaidSyntax";

/** The stacks' resources of `type`, by physical name. */
const physicalNames = (stack: PlannedStack, type: string) =>
  stack.resources.filter((r) => r.type === type).map((r) => String(r.inputs.name));

/** Whether some edge goes from a node labelled `from` to one labelled `to` (label lines, compared in full). */
function edge(edges: DrawnEdge[], from: string[], to: string[]): DrawnEdge | undefined {
  const same = (a: string[], b: string[]) => a.join("\n") === b.join("\n");
  return edges.find((e) => same(e.from, from) && same(e.to, to));
}

describe("resource diagram of a planned stack", () => {
  let deployment: SimulatedDeployment;
  let management: string;
  let requester: string;

  before(async () => {
    deployment = await exampleDeployment();
    const accountNames = { "111122223333": "management-dev", "444455556666": "requester-dev" };
    management = resourceDiagram(deployment.management.stack, accountNames);
    requester = resourceDiagram(deployment.requester.stack, accountNames);
  });

  it("is a Mermaid flowchart that passes the syntax check line by line", () => {
    for (const diagram of [management, requester]) {
      assert.match(diagram, /^flowchart LR\n/);
      assert.deepEqual(flowchartProblems(diagram), []);
    }
  });

  it("draws every document, bus, topic and function of each stack as a node", () => {
    for (const [stack, diagram] of [
      [deployment.management.stack, management],
      [deployment.requester.stack, requester],
    ] as const) {
      const labels = [...readFlowchart(diagram).nodes.values()].map((l) => l.join("\n"));
      const documents = stack.resources.filter((r) => r.type === "aws:ssm/document:Document");
      const expected = [
        ...documents.map(
          (d) =>
            `${d.inputs.documentType === "Automation.ChangeTemplate" ? "change template" : "runbook"}\n${d.inputs.name}`,
        ),
        ...physicalNames(stack, "aws:cloudwatch/eventBus:EventBus").map((n) => `event bus\n${n}`),
        ...physicalNames(stack, "aws:sns/topic:Topic").map((n) => `SNS topic\n${n}`),
        ...physicalNames(stack, "aws:lambda/function:Function").map((n) => `Lambda function\n${n}`),
      ];
      assert.ok(expected.length > 0);
      for (const label of expected) assert.ok(labels.includes(label), `no node ${JSON.stringify(label)}`);
    }
  });

  it("groups the resources by the component that declares them", () => {
    assert.match(
      management,
      /\n {2}subgraph g\d+\["GrantWorkflow"\]\n(?: {4}.*\n)* {4}n\d+\["runbook<br\/>idc-jit-dev-grant-access"\]\n/,
    );
    assert.match(requester, /\n {2}subgraph g\d+\["ChangeManagerForm"\]\n(?: {4}.*\n)* {4}n\d+\["runbook<br\/>/);
  });

  it("draws the management side's cross-account edges: the request check, the end function and the notifier reading the requester account, and the notifier's screen stopping a refused request", () => {
    const n = names(deployment.management.config);
    const { edges } = readFlowchart(management);
    assert.match(management, /subgraph a444455556666\["account 444455556666: requester-dev"\]/);
    assert.deepEqual(
      edges.filter((e) => e.arrow === "==>").map((e) => e.to[1]),
      [
        n.requester.requestReaderRole,
        n.requester.requestReaderRole,
        n.requester.requestReaderRole,
        n.requester.requestRefuserRole,
      ],
      "the management side only reads the requester account, but for the stop of a request no rule could grant",
    );
  });

  it("draws the requester side's cross-account edges: the request, the end requests, the forwarded records", () => {
    const n = names(deployment.requester.config);
    const { edges } = readFlowchart(requester);
    const requestBus = ["event bus", n.management.requestBus];
    const crossing = (from: string[], to: string[]) => {
      const e = edge(edges, from, to);
      return e && { arrow: e.arrow, label: e.label };
    };
    assert.deepEqual(crossing(["runbook", n.requester.requestRunbook], requestBus), {
      arrow: "==>",
      label: "PutEvents",
    });
    assert.deepEqual(crossing(["rule", n.requester.invalidRequestForwardRule], requestBus), {
      arrow: "==>",
      label: "target",
    });
    assert.deepEqual(crossing(["rule", n.requester.notificationRule("RequestCreated")], requestBus), {
      arrow: "==>",
      label: "target",
    });
    assert.deepEqual(crossing(["runbook", n.requester.endAccessDocument], requestBus), {
      arrow: "==>",
      label: "PutEvents",
    });
    // The runbook, the end-access document, the refusal forward and the four request event forwards.
    assert.equal(edges.filter((e) => e.arrow === "==>").length, 7);
  });

  it("draws each rule from its bus to its target, with the role the target assumes", () => {
    const m = names(deployment.management.config).management;
    const { edges } = readFlowchart(management);
    const rule = ["rule", m.grantRule];
    assert.ok(edge(edges, ["event bus", m.requestBus], rule));
    assert.equal(edge(edges, rule, ["runbook", m.grantDocument])?.label, "target");
    assert.equal(edge(edges, rule, ["IAM role", m.grantRuleRole])?.arrow, "-.->");
    assert.equal(edge(edges, ["runbook", m.grantDocument], ["IAM role", m.grantWorkflowRole])?.label, "assumes");
  });

  it("draws the change template running the request runbook, and each topic delivering to each subscriber", () => {
    const r = names(deployment.requester.config).requester;
    assert.equal(
      edge(readFlowchart(requester).edges, ["change template", r.changeTemplate], ["runbook", r.requestRunbook])?.label,
      "runs",
    );
    // The notification topic and the delivery alarm topic: every example subscriber receives Error, so both.
    const subscriptions = readFlowchart(management).edges.filter((e) => e.to[0] === "subscription");
    const emails = deployment.management.config.notifications.map((s) => s.email);
    assert.deepEqual(
      subscriptions.map((e) => e.to[1]),
      [...emails, ...emails],
    );
  });
});
