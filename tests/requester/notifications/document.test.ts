import assert from "node:assert/strict";
import { parse } from "yaml";
import {
  ACCOUNT_NAME_UNAVAILABLE,
  type NotificationDocumentArgs,
  notificationDocument,
  notificationParameters,
  notificationPatterns,
} from "../../../requester/notifications/document";
import {
  EVENT_TYPE_PARAMETER,
  NOTIFICATION_INPUT_PATHS,
  REQUEST_EVENT_TYPES,
  REQUEST_EVENTS,
  type RequestEventType,
  requestEventInputPaths,
} from "../../../requester/notifications/events";
import { names } from "../../../shared/naming";
import { checkDocument, formatFinding } from "../../../shared/ssm/check";
import { documentContent, toYaml } from "../../../shared/ssm/serialize";
import { type FakeAws, RefusedToStart, runAutomation, select } from "./support/automation";
import { cloudTrailRecord, created, executionId, signal } from "./support/records";

const deployment = {
  namePrefix: "idc-jit",
  environment: "dev",
  region: "eu-west-1",
  managementAccountId: "111111111111",
  requesterAccountId: "222222222222",
};
const n = names(deployment);
const topicArn = n.arn.topic(deployment.managementAccountId, n.management.topic);
const portalUrl =
  "https://d-0123456789.awsapps.com/start/#/console?account_id=222222222222&role_name=ApproveAWSAccountAccess";

const webAndCli: NotificationDocumentArgs = {
  assumeRoleArn: n.crossSide.notificationRoleArn,
  topicArn,
  changeTemplateName: n.requester.changeTemplate,
  approvalMode: "webAndCli",
  requesterAccountId: deployment.requesterAccountId,
  region: deployment.region,
  durationUnit: "hours",
  changeRequestUrl: n.urls.changeRequest,
};
const withPortal: NotificationDocumentArgs = { ...webAndCli, approverPortalUrl: portalUrl };
const chatOnly: NotificationDocumentArgs = { ...webAndCli, approvalMode: "chatOnly" };

const variants: Record<string, NotificationDocumentArgs> = {
  "web and CLI, without the approver portal": webAndCli,
  "web and CLI, with the approver portal": withPortal,
  "web and CLI, in minutes": { ...withPortal, durationUnit: "minutes" },
  "chat only": chatOnly,
  "chat only, with the approver portal": { ...chatOnly, approverPortalUrl: portalUrl },
};

interface Content {
  parameters: Record<string, { type: string; allowedPattern?: string; allowedValues?: string[] }>;
  mainSteps: { name: string; action: string; isEnd?: boolean; inputs: Record<string, unknown> }[];
}

const content = (args: NotificationDocumentArgs) => documentContent(notificationDocument(args)) as unknown as Content;

const publishes = (step: Content["mainSteps"][number]) =>
  step.action === "aws:executeAwsApi" && step.inputs.Service === "sns" && step.inputs.Api === "Publish";

function publishSteps(doc: Content) {
  return doc.mainSteps.filter(publishes).map((s) => ({
    name: s.name,
    subject: String(s.inputs.Subject),
    message: String(s.inputs.Message),
    eventType: (s.inputs.MessageAttributes as Record<string, { StringValue: unknown }>).EventType.StringValue,
  }));
}

/** The change request's execution as GetAutomationExecution returns it. */
const changeRequest = (extra: Record<string, unknown> = {}) => ({
  AutomationExecution: {
    AutomationExecutionId: executionId,
    DocumentName: n.requester.changeTemplate,
    OpsItemId: "oi-0a1b2c3d4e5f",
    ChangeRequestName: "Production admin for INC-1234",
    Runbooks: [
      {
        DocumentName: n.requester.requestRunbook,
        Parameters: {
          AccountId: ["333333333333"],
          PermissionSet: ["AWSAdministratorAccess"],
          Duration: ["2"],
          RequestingUser: ["jane.doe@example.com"],
          Justification: ["Investigating incident INC-1234 in production"],
        },
      },
    ],
    ...extra,
  },
});

function fakeAws(execution: unknown = changeRequest(), accountName: string | Error = "Production"): FakeAws {
  return (service, api, params) => {
    if (service === "ssm" && api === "GetAutomationExecution") {
      assert.equal(params.AutomationExecutionId, executionId);
      return execution;
    }
    if (service === "organizations" && api === "DescribeAccount") {
      assert.equal(params.AccountId, "333333333333");
      if (accountName instanceof Error) throw accountName;
      return { Account: { Id: "333333333333", Name: accountName } };
    }
    if (service === "sns" && api === "Publish") {
      assert.equal(params.TopicArn, topicArn);
      return { MessageId: "c0ffee00-0000-4000-8000-000000000000" };
    }
    throw new Error(`unexpected call ${service} ${api}`);
  };
}

const records: Record<RequestEventType, unknown> = {
  RequestCreated: created(),
  RequestApproved: signal("Approve"),
  RequestRejected: signal("Reject"),
  RequestCancelled: cloudTrailRecord("StopAutomationExecution"),
};

/** The parameters a rule passes: the event type, and the fields of the CloudTrail record at its input paths. */
function ruleInput(type: RequestEventType, record: unknown = records[type]): Record<string, string> {
  const fields = Object.entries(requestEventInputPaths(type)).map(([name, path]) => [
    name,
    String(select(record, path)),
  ]);
  return { [EVENT_TYPE_PARAMETER]: type, ...Object.fromEntries(fields) };
}

const run = (args: NotificationDocumentArgs, type: RequestEventType, aws = fakeAws()) =>
  runAutomation(content(args), ruleInput(type), aws);

describe("the request notification document", () => {
  describe("as a document", () => {
    for (const [variant, args] of Object.entries(variants)) {
      it(`passes the checker without errors or warnings (${variant})`, () => {
        const findings = checkDocument(documentContent(notificationDocument(args)), "Automation");
        assert.deepEqual(findings.map(formatFinding), []);
      });

      it(`serializes to YAML that parses back to the same content (${variant})`, () => {
        const doc = notificationDocument(args);
        assert.deepEqual(parse(toYaml(doc)), documentContent(doc));
      });
    }

    it("has one publish step per request event type, each the end of its execution", () => {
      for (const args of Object.values(variants)) {
        const doc = content(args);
        assert.deepEqual(
          publishSteps(doc).map((p) => p.eventType),
          [...REQUEST_EVENT_TYPES],
        );
        for (const step of doc.mainSteps.filter(publishes)) assert.equal(step.isEnd, true, step.name);
      }
    });
  });

  describe("subjects", () => {
    /** The longest value each reference in a subject can take: runbook parameters checked by the runbook's rules. */
    const LONGEST: Record<string, string> = {
      "Get_Change_Request.PermissionSet": "P".repeat(32),
      "Get_Change_Request.AccountId": "1".repeat(12),
    };

    for (const [variant, args] of Object.entries(variants)) {
      it(`stay under SNS's 100 characters with the longest values substituted (${variant})`, () => {
        for (const { name, subject } of publishSteps(content(args))) {
          const longest = subject.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, expression: string) => {
            const value = LONGEST[expression];
            assert.ok(value !== undefined, `${name}'s subject refers to ${expression}, whose length is not bounded`);
            return value;
          });
          assert.ok(longest.length < 100, `${name}: ${longest.length} characters: ${longest}`);
          assert.match(subject, /^[A-Za-z][ -~]*$/, `${name}: SNS subjects are printable ASCII starting with a letter`);
        }
      });
    }

    it("name neither the user nor the account's name (both unbounded)", () => {
      for (const { name, subject } of publishSteps(content(withPortal))) {
        assert.doesNotMatch(subject, /RequestingUser|AccountName/, name);
      }
    });
  });

  describe("parameters", () => {
    const { specs } = notificationParameters();

    it("are the event type, the execution id and the CloudTrail fields every rule passes", () => {
      assert.deepEqual(Object.keys(specs), [
        "EventType",
        "AutomationExecutionId",
        ...Object.keys(NOTIFICATION_INPUT_PATHS),
      ]);
      for (const type of REQUEST_EVENT_TYPES) {
        assert.deepEqual(Object.keys(ruleInput(type)).sort(), Object.keys(specs).sort(), type);
      }
    });

    it("take the event type as one of the four request event types, not as text", () => {
      const eventType = content(webAndCli).parameters.EventType;
      assert.deepEqual(eventType.allowedValues, [
        "RequestCreated",
        "RequestApproved",
        "RequestRejected",
        "RequestCancelled",
      ]);
    });

    it("check every other parameter with an anchored pattern", () => {
      for (const [name, spec] of Object.entries(content(webAndCli).parameters)) {
        assert.equal(spec.type, "String", name);
        if (spec.allowedValues) continue;
        assert.match(spec.allowedPattern ?? "", /^\^.*\$\(\?!\[\\s\\S\]\)$/, `${name} needs an anchored pattern`);
      }
    });

    const realistic: Record<keyof typeof notificationPatterns, string[]> = {
      principalId: [
        "AROAEXAMPLEROLEID123:jane.doe@example.com",
        "AROAEXAMPLEROLEID123:AWSChatbot-jane",
        "AIDAEXAMPLEUSERID123",
        "123456789012",
        "123456789012:federated+user=x,y",
      ],
      sourceIpAddress: [
        "203.0.113.10",
        "2001:db8:85a3::8a2e:370:7334",
        "::ffff:203.0.113.10",
        "fe80::1%eth0",
        "ssm.amazonaws.com",
        "AWS Internal",
      ],
      eventTime: ["2024-05-01T09:30:12Z", "2024-05-01T09:30:12.123Z"],
      userAgent: [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 prompt/off command/ssm.send-automation-signal",
        "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.720]",
        "AWS Internal",
        "ssm.amazonaws.com",
        "x".repeat(1024),
      ],
    };

    it("admit what CloudTrail records", () => {
      for (const [name, values] of Object.entries(realistic)) {
        const pattern = notificationPatterns[name as keyof typeof notificationPatterns];
        for (const value of values) assert.ok(pattern.test(value), `${name} refuses ${JSON.stringify(value)}`);
      }
    });

    it("refuse control characters, empty values and overlong values", () => {
      for (const [name, values] of Object.entries(realistic)) {
        const pattern = notificationPatterns[name as keyof typeof notificationPatterns];
        const value = values[0];
        for (const control of ["\n", "\r", "\t", "\u0000", "\u007f"]) {
          assert.equal(pattern.test(`${value}${control}`), false, `${name} admits ${JSON.stringify(control)}`);
          assert.equal(
            pattern.test(`${control}${value}`),
            false,
            `${name} admits a leading ${JSON.stringify(control)}`,
          );
        }
        assert.equal(pattern.test(""), false, `${name} admits an empty value`);
      }
      assert.equal(notificationPatterns.userAgent.test("x".repeat(1025)), false);
      assert.equal(notificationPatterns.eventTime.test("2024-05-01 09:30:12"), false);
    });

    it("make the execution refuse to start on a value with a newline", async () => {
      const input = { ...ruleInput("RequestApproved"), UserAgent: "aws-cli/2.15.40\nInjected: line" };
      await assert.rejects(() => runAutomation(content(webAndCli), input, fakeAws()), RefusedToStart);
      const unknownType = { ...ruleInput("RequestApproved"), EventType: "Anything you like" };
      await assert.rejects(() => runAutomation(content(webAndCli), unknownType, fakeAws()), RefusedToStart);
    });
  });

  describe("flow", () => {
    it("sends each event type to its own publish step", () => {
      const doc = content(webAndCli);
      const choose = doc.mainSteps.find((s) => s.name === "Choose_Notification");
      assert.ok(choose && choose.action === "aws:branch");
      const choices = choose.inputs.Choices as { NextStep: string; Variable: string; StringEquals: string }[];
      const byStep = new Map(publishSteps(doc).map((p) => [p.name, p.eventType]));
      assert.deepEqual(
        choices.map((c) => [c.StringEquals, byStep.get(c.NextStep)]),
        REQUEST_EVENT_TYPES.map((t) => [t, t]),
      );
      assert.equal(new Set(choices.map((c) => c.NextStep)).size, REQUEST_EVENT_TYPES.length);
      for (const c of choices) assert.equal(c.Variable, `${notificationParameters().refs.EventType}`);
      const fallback = doc.mainSteps.find((s) => s.name === choose.inputs.Default);
      assert.ok(fallback && !publishes(fallback) && fallback.isEnd === true);
    });

    for (const type of REQUEST_EVENT_TYPES) {
      it(`publishes exactly one ${type} notification, every reference resolved`, async () => {
        for (const args of Object.values(variants)) {
          const result = await run(args, type);
          assert.equal(result.status, "Success");
          assert.deepEqual(
            result.published.map((p) => [p.step, p.eventType]),
            [[`Notify_${type}`, type]],
          );
          const [{ subject, message }] = result.published;
          assert.equal(subject, `${REQUEST_EVENTS[type].subjectPrefix}: AWSAdministratorAccess on 333333333333`);
          assert.doesNotMatch(`${subject}\n${message}`, /\{\{|\}\}/);
          assert.ok(message.startsWith(REQUEST_EVENTS[type].bodyHeader));
          for (const text of [
            "Production admin for INC-1234",
            "jane.doe@example.com asked for AWSAdministratorAccess on Production (AWS account 333333333333)",
            `for 2 ${args.durationUnit}.`,
            "Justification: Investigating incident INC-1234 in production",
          ]) {
            assert.ok(message.includes(text), `${type} message lacks ${JSON.stringify(text)}:\n${message}`);
          }
        }
      });
    }

    it("ends without publishing for an execution that is not a change request from the template", async () => {
      const otherTemplate = changeRequest({ DocumentName: "another-teams-change-template" });
      const plainRunbook = {
        AutomationExecution: { AutomationExecutionId: executionId, DocumentName: "AWS-RestartEC2Instance" },
      };
      for (const execution of [otherTemplate, plainRunbook]) {
        for (const type of REQUEST_EVENT_TYPES) {
          const result = await run(webAndCli, type, fakeAws(execution));
          assert.equal(result.status, "Success");
          assert.deepEqual(result.published, []);
          assert.deepEqual(result.steps, ["Get_Change_Request", "Check_Is_Access_Request", "End_Without_Notification"]);
        }
      }
    });

    it("still notifies, without the account's name, when Organizations refuses to describe the account", async () => {
      const result = await run(
        withPortal,
        "RequestCreated",
        fakeAws(changeRequest(), new Error("AccessDeniedException")),
      );
      assert.equal(result.status, "Success");
      assert.equal(result.published.length, 1);
      const { message } = result.published[0];
      assert.ok(message.includes(`on ${ACCOUNT_NAME_UNAVAILABLE} (AWS account 333333333333)`), message);
      assert.ok(message.includes(`AWS account name: ${ACCOUNT_NAME_UNAVAILABLE}`), message);
      assert.doesNotMatch(message, /\{\{/);
    });

    it("states the scheduled start time only when the request has one", async () => {
      const scheduled = await run(
        webAndCli,
        "RequestCreated",
        fakeAws(changeRequest({ ScheduledTime: "2024-05-02T08:00:00Z" })),
      );
      assert.ok(scheduled.published[0].message.includes("Requested start time: 2024-05-02T08:00:00Z."));
      const immediate = (await run(webAndCli, "RequestCreated")).published[0].message;
      assert.ok(immediate.includes("No start time was scheduled: access starts once the request is approved."));
      assert.doesNotMatch(immediate, /Requested start time/);
    });

    it("names the request as its requester did, and says none was given when it has no name", async () => {
      const named = (await run(webAndCli, "RequestCreated")).published[0].message;
      assert.ok(named.includes("Request name: Production admin for INC-1234"), named);
      for (const args of [webAndCli, chatOnly]) {
        const { ChangeRequestName: _, ...unnamed } = changeRequest().AutomationExecution;
        const result = await run(args, "RequestCreated", fakeAws({ AutomationExecution: unnamed }));
        const message = result.published[0].message;
        assert.ok(message.includes("Request name: (none given)"), message);
        assert.doesNotMatch(message, /\{\{/);
      }
    });
  });

  describe("messages in web and CLI mode", () => {
    it("give the event's details and the CloudTrail fields under the principal's word", async () => {
      for (const type of REQUEST_EVENT_TYPES) {
        const { message } = (await run(webAndCli, type)).published[0];
        const word = REQUEST_EVENTS[type].principalWord;
        const input = ruleInput(type);
        for (const line of [
          `Event time: ${input.EventTime}`,
          `${word} principal ID: ${input.PrincipalId}`,
          `${word} IP address: ${input.SourceIpAddress}`,
          `${word} user agent: ${input.UserAgent}`,
          "Requesting IAM Identity Center user: jane.doe@example.com",
          "AWS account ID: 333333333333",
          "AWS account name: Production",
          "Permission set: AWSAdministratorAccess",
          "Duration in hours: 2",
          `Change request execution ID: ${executionId}`,
          "OpsItem ID: oi-0a1b2c3d4e5f",
        ]) {
          assert.ok(message.includes(line), `${type} message lacks ${JSON.stringify(line)}:\n${message}`);
        }
      }
    });

    it("link the change request, through the approver portal when there is one", async () => {
      const link = n.urls.changeRequest("oi-0a1b2c3d4e5f");
      const direct = (await run(webAndCli, "RequestCreated")).published[0].message;
      assert.ok(
        direct.includes(
          `${REQUEST_EVENTS.RequestCreated.textBeforeUrl} log into the requester account 222222222222 and open`,
        ),
      );
      assert.ok(direct.includes(link));
      assert.doesNotMatch(direct, /awsapps\.com/);
      const viaPortal = (await run(withPortal, "RequestCreated")).published[0].message;
      assert.ok(viaPortal.includes(portalUrl));
      assert.ok(viaPortal.includes(link));
    });

    it("give the AWS CLI commands to view, approve and reject a request", () => {
      const { message } = publishSteps(content(webAndCli)).find((p) => p.eventType === "RequestCreated")!;
      const id = `${notificationParameters().refs.AutomationExecutionId}`;
      for (const command of [
        `aws ssm get-ops-item --ops-item-id`,
        `aws ssm get-automation-execution --automation-execution-id ${id}`,
        `aws ssm send-automation-signal --signal-type Approve --automation-execution-id ${id} --payload Comment=`,
        `aws ssm send-automation-signal --signal-type Reject --automation-execution-id ${id} --payload Comment=`,
      ]) {
        assert.ok(message.includes(command), `lacks ${command}`);
      }
    });

    it("offer no approval commands once a request is rejected or cancelled", async () => {
      for (const type of ["RequestRejected", "RequestCancelled"] as const) {
        const { message } = (await run(webAndCli, type)).published[0];
        assert.doesNotMatch(message, /send-automation-signal/);
        assert.match(message, /get-automation-execution/);
      }
    });
  });

  describe("messages in chat-only mode", () => {
    it("ask approvers to approve a new request with the Chatbot command and the execution id", async () => {
      const { message } = publishSteps(content(chatOnly)).find((p) => p.eventType === "RequestCreated")!;
      assert.ok(message.includes(`@aws run approve-access ${notificationParameters().refs.AutomationExecutionId}`));
      const published = (await run(chatOnly, "RequestCreated")).published[0].message;
      assert.ok(published.endsWith(`@aws run approve-access ${executionId}`), published);
    });

    it("are short: no approval command after the request was decided, no addresses or CLI reference", async () => {
      for (const type of REQUEST_EVENT_TYPES) {
        const { message } = (await run(chatOnly, type)).published[0];
        if (type !== "RequestCreated") assert.doesNotMatch(message, /approve-access/);
        assert.doesNotMatch(message, /IP address|user agent|aws ssm/);
        assert.ok(message.includes(`${REQUEST_EVENTS[type].principalWord}: ${ruleInput(type).PrincipalId}`));
      }
    });
  });
});
