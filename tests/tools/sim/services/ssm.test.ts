/**
 * The Systems Manager fake's reads a client uses to find a change template and follow its requests: ListDocuments
 * (the AWS sample script's query: DocumentType Automation.ChangeTemplate and tag:Component), GetDocument and
 * DescribeAutomationExecutions, each shaped as the SSM API reference gives it.
 */
import assert from "node:assert/strict";
import type { DocumentContent, DocumentType } from "../../../../tools/sim/automation/document";
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import { START_TIME } from "../../../../tools/sim/clock";
import { variantNamed } from "../../../../tools/sim/variants";
import { World } from "../../../../tools/sim/world";
import { ACCOUNT, runbook, STARTER, sleep, step } from "../support/automation";
import { awsError } from "../support/aws";

const OTHER_ACCOUNT: Caller = {
  ...STARTER,
  account: "444455556666",
  roleArn: "arn:aws:iam::444455556666:role/Operator",
};
const COMPONENT = { Component: "identity-center-jit-change-template" };

/** A change template whose approval STARTER's role gives, running `spec-runbook`. */
const TEMPLATE: DocumentContent = {
  ...runbook([
    step("Approve_Access_Request", "aws:approve", {
      Message: "Approve?",
      EnhancedApprovals: { Approvers: [{ type: "IamRole", approver: STARTER.roleArn, minRequiredApprovals: 1 }] },
    }),
  ]),
  autoApprovable: true,
  executableRunBooks: [{ name: "spec-runbook", version: "$DEFAULT" }],
};

function setUp() {
  const world = new World();
  const add = (name: string, documentType: DocumentType, tags: Record<string, string> = {}, caller = STARTER) =>
    world.documents.add({
      account: caller.account,
      region: caller.region,
      name,
      documentType,
      content: documentType === "Automation" ? runbook([sleep("Wait", { Duration: "PT1M" })]) : TEMPLATE,
      tags,
    });
  const call = (api: string, input: ApiInput, caller = STARTER) => world.ssm.call(api, input, caller);
  const names = async (input: ApiInput, caller = STARTER) =>
    (
      (await call("ListDocuments", input, caller)) as { DocumentIdentifiers: { Name: string }[] }
    ).DocumentIdentifiers.map((d) => d.Name);
  return { world, add, call, names };
}

describe("SSM fake: ListDocuments", () => {
  it("finds the change template by document type and Component tag, as the AWS sample's script asks", async () => {
    const { add, names } = setUp();
    add("jit-dev-access-request", "Automation.ChangeTemplate", COMPONENT);
    add("other-template", "Automation.ChangeTemplate", { Component: "something-else" });
    add("jit-dev-request-access", "Automation", COMPONENT);
    const found = await names({
      Filters: [
        { Key: "DocumentType", Values: ["Automation.ChangeTemplate"] },
        { Key: "tag:Component", Values: ["identity-center-jit-change-template"] },
      ],
    });
    assert.deepEqual(found, ["jit-dev-access-request"]);
  });

  it("matches Name as a prefix (DocumentKeyValuesFilter: aws ssm list-documents --filters Key=Name,Values=Te)", async () => {
    const { add, names } = setUp();
    for (const name of ["Test-runbook", "Template-x", "other-Te"]) add(name, "Automation");
    assert.deepEqual(await names({ Filters: [{ Key: "Name", Values: ["Te"] }] }), ["Template-x", "Test-runbook"]);
  });

  it("matches any value of a key and every key (Key=tag:region,Values=east,west Key=Owner,Values=Self)", async () => {
    const { add, names } = setUp();
    add("east-doc", "Automation", { region: "east" });
    add("west-doc", "Automation", { region: "west" });
    add("north-doc", "Automation", { region: "north" });
    const filters = [
      { Key: "tag:region", Values: ["east", "west"] },
      { Key: "Owner", Values: ["Self"] },
    ];
    assert.deepEqual(await names({ Filters: filters }), ["east-doc", "west-doc"]);
    assert.deepEqual(await names({ Filters: [{ Key: "Owner", Values: ["Amazon"] }] }), []);
  });

  it("lists only the caller's account and Region", async () => {
    const { add, names } = setUp();
    add("mine", "Automation");
    add("theirs", "Automation", {}, OTHER_ACCOUNT);
    assert.deepEqual(await names({}), ["mine"]);
    assert.deepEqual(await names({}, { ...STARTER, region: "us-east-1" }), []);
  });

  it("describes each document as a DocumentIdentifier, tags as a Key/Value list", async () => {
    const { add, call } = setUp();
    add("jit-dev-access-request", "Automation.ChangeTemplate", COMPONENT);
    assert.deepEqual(await call("ListDocuments", {}), {
      DocumentIdentifiers: [
        {
          Name: "jit-dev-access-request",
          Owner: ACCOUNT,
          DocumentVersion: "1",
          DocumentType: "Automation.ChangeTemplate",
          SchemaVersion: "0.3",
          DocumentFormat: "YAML",
          Tags: [{ Key: "Component", Value: "identity-center-jit-change-template" }],
        },
      ],
    });
  });

  it("pages by MaxResults (1 to 50) and NextToken, refusing a token it did not issue", async () => {
    const { add, call } = setUp();
    for (const n of [1, 2, 3]) add(`doc-${n}`, "Automation");
    type Page = { DocumentIdentifiers: { Name: string }[]; NextToken?: string };
    const first = (await call("ListDocuments", { MaxResults: 2 })) as Page;
    const second = (await call("ListDocuments", { MaxResults: 2, NextToken: first.NextToken })) as Page;
    assert.deepEqual(
      [...first.DocumentIdentifiers, ...second.DocumentIdentifiers].map((d) => d.Name),
      ["doc-1", "doc-2", "doc-3"],
    );
    assert.equal(second.NextToken, undefined, "the last page has no NextToken");
    await assert.rejects(call("ListDocuments", { MaxResults: 51 }), awsError("ValidationException"));
    await assert.rejects(call("ListDocuments", { NextToken: "bm9wZQ==" }), awsError("InvalidNextToken"));
  });

  it("refuses an unknown filter key (InvalidFilterKey) and more than 6 filters", async () => {
    const { call } = setUp();
    await assert.rejects(
      call("ListDocuments", { Filters: [{ Key: "Colour", Values: ["red"] }] }),
      awsError("InvalidFilterKey"),
    );
    const seven = Array.from({ length: 7 }, () => ({ Key: "Owner", Values: ["Self"] }));
    await assert.rejects(call("ListDocuments", { Filters: seven }), awsError("ValidationException"));
  });
});

describe("SSM fake: GetDocument", () => {
  it("returns the content as JSON by default (GetDocument: JSON is the default format)", async () => {
    const { add, call } = setUp();
    add("jit-dev-access-request", "Automation.ChangeTemplate", COMPONENT);
    const document = (await call("GetDocument", { Name: "jit-dev-access-request" })) as Record<string, unknown>;
    assert.deepEqual(JSON.parse(String(document.Content)), TEMPLATE);
    assert.deepEqual(
      { ...document, Content: undefined },
      {
        Name: "jit-dev-access-request",
        DocumentVersion: "1",
        Status: "Active",
        Content: undefined,
        DocumentType: "Automation.ChangeTemplate",
        DocumentFormat: "JSON",
      },
    );
  });

  it("returns YAML when DocumentFormat asks for it", async () => {
    const { add, call } = setUp();
    add("spec-runbook", "Automation");
    const document = (await call("GetDocument", { Name: "spec-runbook", DocumentFormat: "YAML" })) as Record<
      string,
      string
    >;
    assert.equal(document.DocumentFormat, "YAML");
    assert.match(document.Content, /^schemaVersion: "0\.3"\nmainSteps:\n/);
  });

  it("fails with InvalidDocument for a document the account does not have, InvalidDocumentVersion for a version", async () => {
    const { add, call } = setUp();
    add("spec-runbook", "Automation", {}, OTHER_ACCOUNT);
    await assert.rejects(call("GetDocument", { Name: "spec-runbook" }), awsError("InvalidDocument"));
    await assert.rejects(
      call("GetDocument", { Name: "spec-runbook", DocumentVersion: "2" }, OTHER_ACCOUNT),
      awsError("InvalidDocumentVersion"),
    );
  });
});

describe("SSM fake: document versions (UpdateDocument, UpdateDocumentDefaultVersion, DescribeDocument)", () => {
  /** spec-runbook at version 1 (the default) and 2 (the latest, with another step). */
  function twoVersions() {
    const set = setUp();
    set.add("spec-runbook", "Automation");
    const newer = runbook([sleep("Wait_Longer", { Duration: "PT2M" })]);
    set.world.documents.update(STARTER.account, STARTER.region, "spec-runbook", newer);
    return set;
  }
  const started = async (call: ReturnType<typeof setUp>["call"], input: ApiInput) => {
    const { AutomationExecutionId } = (await call("StartAutomationExecution", input)) as {
      AutomationExecutionId: string;
    };
    const { AutomationExecution } = (await call("GetAutomationExecution", { AutomationExecutionId })) as {
      AutomationExecution: { DocumentVersion: string; StepExecutions: { StepName: string }[] };
    };
    return AutomationExecution;
  };

  it("describes the default and the latest version: an update leaves the default where it was", async () => {
    const { world, call } = twoVersions();
    const described = async () =>
      ((await call("DescribeDocument", { Name: "spec-runbook" })) as { Document: Record<string, unknown> }).Document;
    assert.deepEqual(
      [(await described()).DocumentVersion, (await described()).DefaultVersion, (await described()).LatestVersion],
      ["1", "1", "2"],
    );
    world.documents.setDefaultVersion(STARTER.account, STARTER.region, "spec-runbook", "2");
    assert.equal((await described()).DefaultVersion, "2");
  });

  it("runs the default version unless DocumentVersion names another, and records which ran", async () => {
    const { call } = twoVersions();
    const byDefault = await started(call, { DocumentName: "spec-runbook" });
    assert.equal(byDefault.DocumentVersion, "1");
    const latest = await started(call, { DocumentName: "spec-runbook", DocumentVersion: "$LATEST" });
    assert.deepEqual([latest.DocumentVersion, latest.StepExecutions[0]?.StepName], ["2", "Wait_Longer"]);
    const named = await started(call, { DocumentName: "spec-runbook", DocumentVersion: "1" });
    assert.equal(named.DocumentVersion, "1");
  });

  it("fails for a version the document does not have, as each API names it", async () => {
    const { call } = twoVersions();
    await assert.rejects(
      call("StartAutomationExecution", { DocumentName: "spec-runbook", DocumentVersion: "3" }),
      awsError("AutomationDefinitionVersionNotFoundException"),
    );
    await assert.rejects(
      call("DescribeDocument", { Name: "spec-runbook", DocumentVersion: "0" }),
      awsError("InvalidDocumentVersion"),
    );
  });
});

describe("SSM fake: UpdateDocument, and the version an EventBridge target runs", () => {
  const latestVersion = async (call: ReturnType<typeof setUp>["call"]) =>
    ((await call("DescribeDocument", { Name: "spec-runbook" })) as { Document: Record<string, unknown> }).Document;
  const newer = JSON.stringify(runbook([sleep("Wait_Longer", { Duration: "PT2M" })]));

  it("adds the next version and leaves the default version where it was", async () => {
    const { add, call } = setUp();
    add("spec-runbook", "Automation");
    const { DocumentDescription } = (await call("UpdateDocument", { Name: "spec-runbook", Content: newer })) as {
      DocumentDescription: Record<string, unknown>;
    };
    assert.deepEqual(
      [DocumentDescription.DocumentVersion, DocumentDescription.DefaultVersion, DocumentDescription.LatestVersion],
      ["2", "1", "2"],
    );
    const described = await latestVersion(call);
    assert.deepEqual([described.DefaultVersion, described.LatestVersion], ["1", "2"]);
  });

  it("updates only the latest version, refuses content it already has and content it cannot run", async () => {
    const { add, call } = setUp();
    add("spec-runbook", "Automation");
    await call("UpdateDocument", { Name: "spec-runbook", Content: newer, DocumentVersion: "1" });
    await assert.rejects(
      call("UpdateDocument", { Name: "spec-runbook", Content: newer, DocumentVersion: "1" }),
      awsError("InvalidDocumentVersion"),
    );
    await assert.rejects(
      call("UpdateDocument", { Name: "spec-runbook", Content: newer, DocumentVersion: "$LATEST" }),
      awsError("DuplicateDocumentContent"),
    );
    await assert.rejects(
      call("UpdateDocument", { Name: "spec-runbook", Content: "schemaVersion: '2.2'" }),
      awsError("InvalidDocumentContent"),
    );
    assert.equal((await latestVersion(call)).LatestVersion, "2");
  });

  it("starts, for each target of a rule, the version its automation-definition ARN names (none: the default)", async () => {
    const { world, add, call } = setUp();
    add("spec-runbook", "Automation");
    await call("UpdateDocument", { Name: "spec-runbook", Content: newer });
    const rule = world.events.putRule({
      account: STARTER.account,
      region: STARTER.region,
      name: "spec-rule",
      eventPattern: { source: ["aws.spec"] },
    });
    const definition = `arn:aws:ssm:${STARTER.region}:${STARTER.account}:automation-definition/spec-runbook`;
    for (const arn of [`${definition}:1`, `${definition}:$LATEST`, definition]) {
      world.events.putTarget(rule, { arn, roleArn: STARTER.roleArn, input: "{}" });
    }
    world.events.emit(STARTER.account, STARTER.region, { source: "aws.spec", "detail-type": "Spec", detail: {} });
    await world.run(START_TIME + 60_000);
    const started = [...world.engine.executions.values()].map((x) => [x.document.version, x.content.mainSteps[0].name]);
    assert.deepEqual(started.sort(), [
      ["1", "Wait"],
      ["1", "Wait"],
      ["2", "Wait_Longer"],
    ]);
  });
});

describe("SSM fake: DescribeAutomationExecutions", () => {
  /** A change request of the template (waiting for approval) and a plain runbook execution. */
  async function withExecutions() {
    const s = setUp();
    s.add("jit-dev-access-request", "Automation.ChangeTemplate", COMPONENT);
    s.add("spec-runbook", "Automation");
    const { AutomationExecutionId: plain } = (await s.call("StartAutomationExecution", {
      DocumentName: "spec-runbook",
    })) as { AutomationExecutionId: string };
    await s.world.run(START_TIME + 1000);
    const { AutomationExecutionId: change } = (await s.call("StartChangeRequestExecution", {
      DocumentName: "jit-dev-access-request",
      ChangeRequestName: "alice AWSReadOnlyAccess on 777788889999",
      AutoApprove: false,
      Runbooks: [{ DocumentName: "spec-runbook", Parameters: {} }],
    })) as { AutomationExecutionId: string };
    await s.world.run(START_TIME + 10_000);
    const list = async (filters: ApiInput[], caller = STARTER) =>
      (
        (await s.call("DescribeAutomationExecutions", { Filters: filters }, caller)) as {
          AutomationExecutionMetadataList: Record<string, unknown>[];
        }
      ).AutomationExecutionMetadataList;
    return { ...s, plain, change, list };
  }

  it("lists the template's change requests by DocumentNamePrefix and AutomationSubtype ChangeRequest", async () => {
    const { change, list } = await withExecutions();
    const found = await list([
      { Key: "DocumentNamePrefix", Values: ["jit-dev-access"] },
      { Key: "AutomationSubtype", Values: ["ChangeRequest"] },
    ]);
    assert.deepEqual(
      found.map((x) => x.AutomationExecutionId),
      [change],
    );
  });

  it("describes each as AutomationExecutionMetadata: runbooks, requester, current step and action, no steps", async () => {
    const { change, list } = await withExecutions();
    const [x] = await list([{ Key: "ExecutionId", Values: [change] }]);
    assert.equal(x.AutomationExecutionStatus, "Waiting");
    assert.equal(x.AutomationSubtype, "ChangeRequest");
    assert.equal(x.AutomationType, "Local");
    assert.equal(x.ChangeRequestName, "alice AWSReadOnlyAccess on 777788889999");
    assert.match(String(x.OpsItemId), /^oi-[0-9a-f]{12}$/);
    assert.deepEqual(x.Runbooks, [{ DocumentName: "spec-runbook", Parameters: {} }]);
    assert.equal(x.ExecutedBy, `arn:aws:sts::${ACCOUNT}:assumed-role/Operator/operator`);
    assert.equal(x.CurrentStepName, "Approve_Access_Request");
    assert.equal(x.CurrentAction, "aws:approve");
    assert.ok(!("StepExecutions" in x) && !("Parameters" in x), "metadata carries neither steps nor parameters");
  });

  it("lists newest first, by status, and only the caller's account", async () => {
    const { plain, change, list } = await withExecutions();
    assert.deepEqual(
      (await list([])).map((x) => x.AutomationExecutionId),
      [change, plain],
    );
    assert.deepEqual(
      (await list([{ Key: "ExecutionStatus", Values: ["Success", "InProgress"] }])).map((x) => x.AutomationExecutionId),
      [plain],
    );
    assert.deepEqual(await list([], OTHER_ACCOUNT), []);
  });

  it("refuses a key that is not an AutomationExecutionFilter key, and a status that is not one", async () => {
    const { call } = await withExecutions();
    const filters = (Key: string, Values: string[]) => ({ Filters: [{ Key, Values }] });
    await assert.rejects(
      call("DescribeAutomationExecutions", filters("Requester", ["alice"])),
      awsError("ValidationException"),
    );
    await assert.rejects(
      call("DescribeAutomationExecutions", filters("ExecutionStatus", ["Running"])),
      awsError("InvalidFilterValue"),
    );
    await assert.rejects(
      call("DescribeAutomationExecutions", filters("ExecutionStatus", Array(11).fill("Success"))),
      awsError("ValidationException"),
    );
  });

  it("pages by MaxResults (1 to 50) and NextToken", async () => {
    const { call, change, plain } = await withExecutions();
    const first = (await call("DescribeAutomationExecutions", { MaxResults: 1 })) as Record<string, unknown>;
    const second = (await call("DescribeAutomationExecutions", {
      MaxResults: 1,
      NextToken: first.NextToken,
    })) as Record<string, { AutomationExecutionId: string }[]>;
    assert.equal(
      (first.AutomationExecutionMetadataList as { AutomationExecutionId: string }[])[0].AutomationExecutionId,
      change,
    );
    assert.equal(second.AutomationExecutionMetadataList[0].AutomationExecutionId, plain);
    assert.equal(second.NextToken, undefined);
    await assert.rejects(call("DescribeAutomationExecutions", { MaxResults: 0 }), awsError("ValidationException"));
  });
});

/** A world with a one-step runbook in the starter's account, and an execution of it started with `input`. */
async function startedRunbook(world: World, input: Record<string, unknown> = {}) {
  world.documents.add({
    account: ACCOUNT,
    region: STARTER.region,
    name: "spec-runbook",
    documentType: "Automation",
    content: runbook([sleep("Wait", { Duration: "PT1M" })]),
    tags: {},
  });
  const { AutomationExecutionId: id } = (await world.ssm.call(
    "StartAutomationExecution",
    { DocumentName: "spec-runbook", ...input },
    STARTER,
  )) as { AutomationExecutionId: string };
  return id;
}

describe("SSM fake: an execution belongs to one account and Region", () => {
  async function started(variant?: Parameters<typeof variantNamed>[0]) {
    const world = new World(variant ? { variant: variantNamed(variant) } : {});
    return { world, id: await startedRunbook(world) };
  }

  it("is found from its own account and Region", async () => {
    const { world, id } = await started();
    const found = (await world.ssm.call("GetAutomationExecution", { AutomationExecutionId: id }, STARTER)) as {
      AutomationExecution: { AutomationExecutionId: string };
    };
    assert.equal(found.AutomationExecution.AutomationExecutionId, id);
  });

  for (const [where, caller] of [
    ["another account", OTHER_ACCOUNT],
    ["another Region", { ...STARTER, region: "us-east-1" }],
  ] as const) {
    it(`is not found from ${where}, nor signalled or stopped from there`, async () => {
      const { world, id } = await started();
      for (const [api, input] of [
        ["GetAutomationExecution", { AutomationExecutionId: id }],
        ["SendAutomationSignal", { AutomationExecutionId: id, SignalType: "Approve" }],
        ["StopAutomationExecution", { AutomationExecutionId: id, Type: "Cancel" }],
      ] as const) {
        await assert.rejects(world.ssm.call(api, input, caller), awsError("AutomationExecutionNotFoundException"), api);
      }
    });
  }
});

describe("SSM fake: a Change Manager runbook's link to its change request (variant runbookParentLink)", () => {
  async function runbookOf(variant: string) {
    const world = new World({ variant: variantNamed(variant) });
    const add = (name: string, documentType: DocumentType, content: DocumentContent) =>
      world.documents.add({ account: ACCOUNT, region: STARTER.region, name, documentType, content, tags: {} });
    add("jit-dev-access-request", "Automation.ChangeTemplate", TEMPLATE);
    add("spec-runbook", "Automation", runbook([sleep("Wait", { Duration: "PT1H" })]));
    const { AutomationExecutionId: change } = (await world.ssm.call(
      "StartChangeRequestExecution",
      { DocumentName: "jit-dev-access-request", AutoApprove: true, Runbooks: [{ DocumentName: "spec-runbook" }] },
      STARTER,
    )) as { AutomationExecutionId: string };
    await world.run(START_TIME + 60_000);
    const [id] = world.engine.get(change).changeRequest?.runbookExecutionIds ?? [];
    const { AutomationExecution } = (await world.ssm.call(
      "GetAutomationExecution",
      { AutomationExecutionId: id },
      STARTER,
    )) as { AutomationExecution: Record<string, unknown> };
    return { change, runbook: AutomationExecution };
  }

  it("names the change request as ParentAutomationExecutionId under the baseline", async () => {
    const { change, runbook: x } = await runbookOf("baseline");
    assert.equal(x.ParentAutomationExecutionId, change);
  });

  it("names none under no-parent-link", async () => {
    const { runbook: x } = await runbookOf("no-parent-link");
    assert.equal("ParentAutomationExecutionId" in x, false);
  });

  it("lists the runbook by ParentExecutionId under the baseline, and nothing under no-parent-link", async () => {
    for (const [variant, expected] of [
      ["baseline", 1],
      ["no-parent-link", 0],
    ] as const) {
      const world = new World({ variant: variantNamed(variant) });
      const add = (name: string, documentType: DocumentType, content: DocumentContent) =>
        world.documents.add({ account: ACCOUNT, region: STARTER.region, name, documentType, content, tags: {} });
      add("jit-dev-access-request", "Automation.ChangeTemplate", TEMPLATE);
      add("spec-runbook", "Automation", runbook([sleep("Wait", { Duration: "PT1H" })]));
      const { AutomationExecutionId: change } = (await world.ssm.call(
        "StartChangeRequestExecution",
        { DocumentName: "jit-dev-access-request", AutoApprove: true, Runbooks: [{ DocumentName: "spec-runbook" }] },
        STARTER,
      )) as { AutomationExecutionId: string };
      await world.run(START_TIME + 60_000);
      const { AutomationExecutionMetadataList: found } = (await world.ssm.call(
        "DescribeAutomationExecutions",
        { Filters: [{ Key: "ParentExecutionId", Values: [change] }] },
        STARTER,
      )) as { AutomationExecutionMetadataList: { DocumentName: string }[] };
      assert.equal(found.length, expected, variant);
      for (const x of found) assert.equal(x.DocumentName, "spec-runbook");
    }
  });
});

describe("SSM fake: an execution's tags (AddTagsToResource, ListTagsForResource)", () => {
  async function started(tags?: { Key: string; Value: string }[]) {
    const world = new World();
    const id = await startedRunbook(world, tags && { Tags: tags });
    const list = async (caller = STARTER) =>
      (
        (await world.ssm.call("ListTagsForResource", { ResourceType: "Automation", ResourceId: id }, caller)) as {
          TagList: { Key: string; Value: string }[];
        }
      ).TagList;
    const add = (Tags: { Key: string; Value: string }[], caller = STARTER) =>
      world.ssm.call("AddTagsToResource", { ResourceType: "Automation", ResourceId: id, Tags }, caller);
    return { world, id, list, add };
  }

  it("keeps the tags given at start and those added since, a key added again overwriting its value", async () => {
    const { world, id, list, add } = await started([{ Key: "Team", Value: "payments" }]);
    assert.deepEqual(await list(), [{ Key: "Team", Value: "payments" }]);
    await add([
      { Key: "JitRequestedBy", Value: "AROAEXAMPLEROLEID0001:alice" },
      { Key: "Team", Value: "platform" },
    ]);
    assert.deepEqual(await list(), [
      { Key: "Team", Value: "platform" },
      { Key: "JitRequestedBy", Value: "AROAEXAMPLEROLEID0001:alice" },
    ]);
    const read = (await world.ssm.call("GetAutomationExecution", { AutomationExecutionId: id }, STARTER)) as {
      AutomationExecution: Record<string, unknown>;
    };
    assert.equal("Tags" in read.AutomationExecution, false, "GetAutomationExecution returns no tags");
  });

  it("refuses more than 5 tags on an automation (TooManyTagsError), and a value outside the tag alphabet", async () => {
    const { add } = await started();
    const six = [1, 2, 3, 4, 5, 6].map((n) => ({ Key: `k${n}`, Value: "v" }));
    await assert.rejects(add(six), awsError("TooManyTagsError"));
    await add(six.slice(0, 5));
    await assert.rejects(add([{ Key: "k6", Value: "v" }]), awsError("TooManyTagsError"));
    await assert.rejects(add([{ Key: "k1", Value: "alice~ops" }]), awsError("ValidationException"));
  });

  it("finds no execution of another account (InvalidResourceId)", async () => {
    const { list, add } = await started();
    await assert.rejects(list(OTHER_ACCOUNT), awsError("InvalidResourceId"));
    await assert.rejects(add([{ Key: "k", Value: "v" }], OTHER_ACCOUNT), awsError("InvalidResourceId"));
  });
});
