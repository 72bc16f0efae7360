import assert from "node:assert/strict";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetUserIdCommand, IdentitystoreClient, IsMemberInGroupsCommand } from "@aws-sdk/client-identitystore";
import {
  AccountNotFoundException,
  DescribeAccountCommand,
  ListParentsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import {
  AddTagsToResourceCommand,
  type AutomationExecution,
  GetAutomationExecutionCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  SSMClient,
  StopAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import { ListAccountAssignmentsForPrincipalCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import {
  ACCOUNT_NAME_UNAVAILABLE,
  type NotifierSettings,
  notifierSettings,
  notifyRequestEvent,
  REQUEST_NOTIFIER_ENV,
  shown,
} from "../../../functions/requestNotifier";
import { EVENT_TYPE_ATTRIBUTE } from "../../../shared/events";
import type { PolicyDocument } from "../../../shared/iam";
import { REQUESTED_BY_TAG } from "../../../shared/requestOwnership";
import { MAX_SUBJECT_LENGTH } from "../../../tools/sim/services/sns";
import {
  automationExecutionArn,
  identityCenterUser,
  REQUESTER as PLANNED_REQUESTER,
  planFor,
} from "../../management/iam/fixtures";
import { cloudTrailRecord, context, created, executionId, signal } from "../../support/cloudTrailRecords";
import { decide } from "../../support/iam";

const REQUESTER = "222222222222";
const SETTINGS: NotifierSettings = {
  requesterAccountId: REQUESTER,
  region: "eu-west-1",
  readerRoleArn: `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-request-reader`,
  changeTemplateName: context.changeTemplateName,
  runbookName: context.runbookName,
  requestForm: "changeManager",
  topicArn: "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications",
  durationUnit: "hours",
  approvalMode: "webAndCli",
  approverPortalUrl: "https://d-93671a2b3c.awsapps.com/start/#/console?account_id=222222222222&role_name=Approve",
  refuserRoleArn: `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-request-refuser`,
  identityStoreId: "d-93671a2b3c",
  permissionSetParameterPath: "/idc-jit/dev/permission-sets/",
  instanceArn: "arn:aws:sso:::instance/ssoins-0123456789abcdef",
  tableName: "idc-jit-dev-grant-ledger",
  requestPermissionSets: ["RequestAWSAccountAccess", "RequestAWSAccountAccessNoApproval"],
  rules: [
    {
      name: "engineers-workloads",
      users: [],
      groups: ["g-engineers"],
      permissionSets: ["AWSAdministratorAccess"],
      accounts: [],
      organizationalUnits: ["ou-work-loads"],
      maxMinutes: 240,
      approvals: 2,
      approverGroups: ["g-approvers"],
    },
    {
      name: "engineers-read",
      users: [],
      groups: ["g-engineers"],
      permissionSets: ["AWSReadOnlyAccess"],
      accounts: [],
      organizationalUnits: ["r-root"],
      maxMinutes: 480,
      approvals: 0,
      approverGroups: [],
    },
  ],
  guardedAccounts: ["111122223333", REQUESTER],
  sessionMinutes: { AWSAdministratorAccess: 480, AWSReadOnlyAccess: 90 },
  reminders: {
    approvalTimeoutHours: 24,
    approvalReminderHours: 4,
    groupName: "idc-jit-dev-request-reminders",
    roleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-reminder-schedule",
    notifierArn: "arn:aws:lambda:eu-west-1:111122223333:function:idc-jit-dev-request-notifier",
    deadLetterArn: "arn:aws:sqs:eu-west-1:111122223333:idc-jit-dev-notification-dead-letters",
  },
};

const ADMIN_SET_ARN = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";

/** Alice's Identity Center session with the request set, as ExecutedBy names it. */
const ALICE_SESSION = `arn:aws:sts::${REQUESTER}:assumed-role/AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef/alice`;

const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const organizations = mockClient(OrganizationsClient);
const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
/** This instance only (the class is used for real elsewhere in the run). */
const ssoAdminClient = new SSOAdminClient({});
const ssoAdmin = mockClient(ssoAdminClient);
/**
 * The ledger's table, read only (GetItem): empty, so no grant holds anything. A stub, not a mock of the client class,
 * which would reach every file of the run: other files use DynamoDB for real (dynalite).
 */
const ledgerTable = { send: async () => ({}) };
const identityStore = mockClient(IdentitystoreClient);
const scheduler = mockClient(SchedulerClient);
const clients = {
  sts: new STSClient({}),
  organizations: new OrganizationsClient({}),
  sns: new SNSClient({}),
  identityStore: new IdentitystoreClient({}),
  scheduler: new SchedulerClient({}),
  ssm: new SSMClient({}),
  ssoAdmin: ssoAdminClient,
  dynamodb: ledgerTable,
  requesterSsm: () => new SSMClient({}),
  requesterIam: () => new IAMClient({}),
};

function changeRequest(overrides: Partial<AutomationExecution> = {}): AutomationExecution {
  return {
    AutomationExecutionId: executionId,
    DocumentName: context.changeTemplateName,
    AutomationSubtype: "ChangeRequest",
    OpsItemId: "oi-0123456789ab",
    ChangeRequestName: "Fix the payments outage",
    ExecutedBy: ALICE_SESSION,
    Runbooks: [
      {
        DocumentName: "idc-jit-dev-request-access",
        Parameters: {
          AccountId: ["777788889999"],
          PermissionSet: ["AWSAdministratorAccess"],
          Duration: ["2"],
          DurationUnit: ["hours"],
          RequestingUser: ["alice"],
          Justification: ["Incident INC-42: restart the payments service"],
        },
      },
    ],
    ...overrides,
  };
}

/** The record as the requester side's rule forwards it: from the requester account. */
const forwarded = (record: ReturnType<typeof cloudTrailRecord>) => ({ ...record, account: REQUESTER });

function published(): PublishCommandInput[] {
  return sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

describe("the request notifier", () => {
  beforeEach(() => {
    for (const m of [sts, ssm, organizations, sns, iam, identityStore, scheduler]) m.reset();
    ssoAdmin.resetHistory();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: ADMIN_SET_ARN } });
    ssoAdmin.on(ListAccountAssignmentsForPrincipalCommand).resolves({ AccountAssignments: [] });
    scheduler.on(CreateScheduleCommand).resolves({});
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: "AKIA", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date() },
    });
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: changeRequest() });
    // Raised in the console: no tag.
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    ssm.on(AddTagsToResourceCommand).resolves({});
    organizations.on(DescribeAccountCommand).resolves({ Account: { Name: "payments-prod" } });
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: "AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef",
        Path: "/aws-reserved/sso.amazonaws.com/",
        Arn: "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef",
        RoleId: "AROAEXAMPLE",
        CreateDate: new Date(),
      },
    });
    identityStore.on(GetUserIdCommand).resolves({ UserId: "u-alice", IdentityStoreId: SETTINGS.identityStoreId });
    identityStore.on(IsMemberInGroupsCommand).resolves({
      Results: [{ GroupId: "g-engineers", MembershipExists: true, MemberId: { UserId: "u-alice" } }],
    });
    organizations
      .on(ListParentsCommand, { ChildId: "777788889999" })
      .resolves({ Parents: [{ Id: "ou-work-loads", Type: "ORGANIZATIONAL_UNIT" }] })
      .on(ListParentsCommand, { ChildId: "ou-work-loads" })
      .resolves({ Parents: [{ Id: "r-root", Type: "ROOT" }] });
  });

  it("notifies each request event with its type as the attribute subscribers filter on", async () => {
    const records = {
      RequestCreated: created(),
      RequestApproved: signal("Approve"),
      RequestRejected: signal("Reject"),
      RequestCancelled: cloudTrailRecord("StopAutomationExecution"),
    };
    for (const [type, record] of Object.entries(records)) {
      assert.deepEqual(await notifyRequestEvent(forwarded(record), clients, SETTINGS), {
        notified: type,
        messageId: "m-1",
      });
    }
    assert.deepEqual(
      published().map((p) => p.MessageAttributes?.[EVENT_TYPE_ATTRIBUTE]?.StringValue),
      Object.keys(records),
    );
  });

  it("reads the change request in the requester account with the reader role, in a session that names it", async () => {
    await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
    const assumed = sts.commandCalls(AssumeRoleCommand)[0].args[0].input;
    assert.equal(assumed.RoleArn, SETTINGS.readerRoleArn);
    assert.equal(assumed.RoleSessionName, `request-notifier-${executionId}`);
    assert.equal(ssm.commandCalls(GetAutomationExecutionCommand)[0].args[0].input.AutomationExecutionId, executionId);
  });

  it("says what was asked, by whom, from where, and how to approve", async () => {
    await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
    const [{ Subject, Message }] = published();
    assert.equal(Subject, "Approval required - JIT access request: AWSAdministratorAccess on 777788889999");
    for (const line of [
      "Request name: Fix the payments outage",
      "Summary: alice asked for AWSAdministratorAccess on payments-prod (AWS account 777788889999) for 2 hours.",
      "Requester IP address: 2001:db8:85a3::8a2e:370:7334",
      "Justification: Incident INC-42: restart the payments service",
      SETTINGS.approverPortalUrl as string,
      "https://eu-west-1.console.aws.amazon.com/systems-manager/change-manager?region=eu-west-1#/change-request/view-details/oi-0123456789ab/details",
      `aws ssm send-automation-signal --signal-type Approve --automation-execution-id ${executionId}`,
    ]) {
      assert.ok(Message?.includes(line), `the message lacks: ${line}\n${Message}`);
    }
  });

  it("in chat-only mode gives the chat command that approves", async () => {
    await notifyRequestEvent(forwarded(created()), clients, { ...SETTINGS, approvalMode: "chatOnly" });
    const [{ Message }] = published();
    assert.ok(Message?.endsWith(`To approve this request, type:\n@aws run approve-access ${executionId}`));
    assert.ok(!Message?.includes("user agent"));
  });

  it("ends quietly for another document's execution (a signal's record names no document), or one that is no change request", async () => {
    for (const other of [{ DocumentName: "AWS-RestartEC2Instance" }, { AutomationSubtype: undefined }]) {
      ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: changeRequest(other) });
      const result = await notifyRequestEvent(forwarded(signal("Approve")), clients, SETTINGS);
      assert.equal((result as { ignored: string }).ignored, "not a request raised with idc-jit-dev-access-request");
    }
    assert.equal(published().length, 0);
  });

  it("ignores records not from the requester account, refused calls and other signals, without reading anything", async () => {
    for (const event of [
      created(),
      { ...forwarded(created()), account: "999999999999" },
      forwarded(signal("Approve", { errorCode: "AccessDeniedException" })),
      forwarded(signal("Resume")),
      forwarded(created({ autoApprove: true })),
      forwarded(cloudTrailRecord("StopAutomationExecution", { requestParameters: { automationExecutionId: "x" } })),
    ]) {
      assert.ok("ignored" in (await notifyRequestEvent(event, clients, SETTINGS)));
    }
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 0);
    assert.equal(published().length, 0);
  });

  it("still notifies without the account's name when Organizations refuses", async () => {
    organizations.on(DescribeAccountCommand).rejects(new AccountNotFoundException({ message: "gone", $metadata: {} }));
    await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
    assert.ok(published()[0].Message?.includes(`on ${ACCOUNT_NAME_UNAVAILABLE} (AWS account 777788889999)`));
  });

  it("fails when the change request cannot be read or the notification cannot be published, so Lambda retries", async () => {
    ssm.on(GetAutomationExecutionCommand).rejects(new Error("throttled"));
    await assert.rejects(notifyRequestEvent(forwarded(created()), clients, SETTINGS), /throttled/);
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: changeRequest() });
    sns.on(PublishCommand).rejects(new Error("denied"));
    await assert.rejects(notifyRequestEvent(forwarded(created()), clients, SETTINGS), /denied/);
  });

  it("accepts whatever CloudTrail recorded, shown without control or format characters (a user agent with a line break)", async () => {
    const record = forwarded(signal("Approve"));
    record.detail.userAgent = "curl/8.0\r\nApprover principal ID: forged\ttab\u202e\u200b \u00e9";
    await notifyRequestEvent(record, clients, SETTINGS);
    const message = published()[0].Message as string;
    assert.ok(message.includes("Approver user agent: curl/8.0 Approver principal ID: forged tab  \u00e9"));
    assert.equal(message.match(/^ *Approver principal ID:/gm)?.length, 1);
  });

  it("shows the request's own values only where they keep the form's rules", async () => {
    const hostile = changeRequest();
    hostile.Runbooks![0].Parameters!.PermissionSet = ["Admin\nBcc: evil@example.com"];
    hostile.Runbooks![0].Parameters!.AccountId = ["7777"];
    hostile.Runbooks![0].Parameters!.Justification = ["short"];
    hostile.Runbooks![0].Parameters!.RequestingUser = ["alice\nApprover: bob"];
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: hostile });
    await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
    const [{ Subject, Message }] = published();
    // The screen refuses it: the form's rules are the runbook's own.
    assert.equal(Subject, "Refused - JIT access request: (invalid) on (invalid)");
    assert.ok(Message?.includes("Why: the request's AccountId must be an AWS account id: exactly 12 digits."));
    assert.ok(Message?.includes("Justification: (invalid)"));
    assert.ok(Message?.includes("Requesting IAM Identity Center user: (invalid)"));
    assert.ok((Subject as string).length < MAX_SUBJECT_LENGTH);
  });

  describe("the screen of a new request, before any approver is asked", () => {
    const refusal = () => {
      const [{ Subject, Message, MessageAttributes }] = published();
      return { Subject, Message, type: MessageAttributes?.[EVENT_TYPE_ATTRIBUTE]?.StringValue };
    };
    const withValues = (values: Record<string, string>, overrides: Partial<AutomationExecution> = {}) => {
      const request = changeRequest(overrides);
      for (const [k, v] of Object.entries(values)) request.Runbooks![0].Parameters![k] = [v];
      ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: request });
    };

    it("tells approvers which rule the request falls under and what it needs of them", async () => {
      await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      const { Message, type } = refusal();
      assert.equal(type, "RequestCreated");
      assert.ok(
        Message?.includes(
          "Eligibility rule: engineers-workloads: it needs 2 approval(s) by someone other than alice in its approver groups. Each approval must come from a different person.",
        ),
        Message,
      );
      assert.equal(ssm.commandCalls(StopAutomationExecutionCommand).length, 0);
    });

    it("tells approvers the effective access window: the duration asked for plus the set's session duration", async () => {
      await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      const { Message } = refusal();
      assert.ok(
        Message?.includes(
          "Effective access up to 10 hours: 2 hours requested + AWSAdministratorAccess's session duration of 8 hours (removing the access ends no session already open; such a session lasts until it expires).",
        ),
        Message,
      );
    });

    it("refuses at once a request in another unit than the deployment's (a form from before jit:durationUnit changed), and shows the request's own unit", async () => {
      withValues({ Duration: "4", DurationUnit: "minutes" });
      const result = await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      assert.deepEqual(result, { notified: "RequestRejected", messageId: "m-1" });
      const { Message } = refusal();
      assert.ok(Message?.includes("Why: the request's DurationUnit must be one of hours."), Message);
      assert.ok(Message?.includes("for 4 minutes."), Message);
      assert.ok(Message?.includes("Duration in minutes: 4"), Message);
    });

    it("stops a request no rule could grant with the refuser role, and tells the requester why", async () => {
      withValues({ Duration: "6" });
      const result = await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      assert.deepEqual(result, { notified: "RequestRejected", messageId: "m-1" });
      const roles = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
      assert.deepEqual(
        roles.map((r) => [r.RoleArn, r.RoleSessionName]),
        [
          [SETTINGS.readerRoleArn, `request-notifier-${executionId}`],
          [SETTINGS.refuserRoleArn, `request-screen-${executionId}`],
        ],
      );
      const [stop] = ssm.commandCalls(StopAutomationExecutionCommand).map((c) => c.args[0].input);
      assert.deepEqual(stop, { AutomationExecutionId: executionId, Type: "Cancel" });
      const { Subject, Message, type } = refusal();
      assert.equal(type, "RequestRejected");
      assert.equal(Subject, "Refused - JIT access request: AWSAdministratorAccess on 777788889999");
      assert.ok(
        Message?.includes(
          "Why: 360 minutes is longer than the 240 minutes the eligibility rules allow alice for AWSAdministratorAccess on account 777788889999.",
        ),
        Message,
      );
      assert.ok(Message?.includes("Requester principal ID:"), "the record's principal is the requester");
    });

    it("refuses a request raised by someone other than the user it names, or by no Identity Center session", async () => {
      const bob = ALICE_SESSION.replace(/alice$/, "bob");
      for (const [by, reason] of [
        [bob, "the change request was raised by bob, not by alice, the user it asks access for"],
        [`arn:aws:sts::${REQUESTER}:assumed-role/Admin/alice`, "which is not an IAM Identity Center user"],
      ]) {
        sns.resetHistory();
        withValues({}, { ExecutedBy: by });
        await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
        assert.ok(refusal().Message?.includes(reason), refusal().Message);
      }
      iam.on(GetRoleCommand).resolves({
        Role: {
          RoleName: "x",
          Path: "/",
          Arn: "arn:aws:iam::222222222222:role/x",
          RoleId: "R",
          CreateDate: new Date(),
        },
      });
      sns.resetHistory();
      withValues({});
      await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      assert.ok(refusal().Message?.includes("which IAM Identity Center did not create"), refusal().Message);
    });

    it("refuses access the user holds outside JIT (no open grant in the ledger explains it; the simulated extended request shows one that does)", async () => {
      ssoAdmin.on(ListAccountAssignmentsForPrincipalCommand).resolves({
        AccountAssignments: [
          { AccountId: "777788889999", PermissionSetArn: ADMIN_SET_ARN, PrincipalType: "USER", PrincipalId: "u-alice" },
        ],
      });
      await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      assert.ok(
        refusal().Message?.includes(
          "Why: alice already holds AWSAdministratorAccess on account 777788889999 outside JIT (no JIT grant of it is open): ask again once it has been removed.",
        ),
        refusal().Message,
      );
      const [read] = ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name);
      assert.equal(read, "/idc-jit/dev/permission-sets/AWSAdministratorAccess");
    });

    it("refuses a user in no group a rule admits, naming what was asked", async () => {
      identityStore.on(IsMemberInGroupsCommand).resolves({ Results: [] });
      await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
      assert.ok(
        refusal().Message?.includes(
          "Why: no eligibility rule lets alice request AWSAdministratorAccess on account 777788889999.",
        ),
      );
    });

    it("still refuses a request that ended meanwhile, and fails (to be retried) when it cannot stop it", async () => {
      withValues({ Duration: "6" });
      ssm
        .on(StopAutomationExecutionCommand)
        .rejects(
          Object.assign(new Error("execution is Cancelled"), { name: "InvalidAutomationStatusUpdateException" }),
        );
      assert.equal(
        ((await notifyRequestEvent(forwarded(created()), clients, SETTINGS)) as { notified: string }).notified,
        "RequestRejected",
      );
      ssm.on(StopAutomationExecutionCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDenied" }));
      await assert.rejects(notifyRequestEvent(forwarded(created()), clients, SETTINGS), /denied/);
    });

    for (const status of ["Cancelled", "Exited", "CompletedWithFailure"] as const) {
      it(`asks approvers nothing of a request that has ended meanwhile (${status})`, async () => {
        withValues({}, { AutomationExecutionStatus: status });
        const result = await notifyRequestEvent(forwarded(created()), clients, SETTINGS);
        assert.equal((result as { ignored: string }).ignored, `ended ${status}: nothing to approve`);
        assert.equal(published().length, 0);
      });
    }

    it("sends no cancellation notice for its own stop, which its refusal explained", async () => {
      const stop = forwarded(cloudTrailRecord("StopAutomationExecution"));
      const detail = stop.detail as unknown as { userIdentity: Record<string, unknown> };
      detail.userIdentity = {
        type: "AssumedRole",
        sessionContext: { sessionIssuer: { arn: SETTINGS.refuserRoleArn } },
      };
      const result = await notifyRequestEvent(stop, clients, SETTINGS);
      assert.equal((result as { ignored: string }).ignored, "stopped by the screen, whose refusal said why");
      assert.equal(published().length, 0);
    });
  });

  describe("naming the requester on a request it admits (the JitRequestedBy tag, shared/requestOwnership.ts)", () => {
    /** Alice's aws:userid: her Identity Center role's id and her session name. */
    const ALICE_ID = "AROAREQUESTSETROLEID01:alice";
    /** The record of Alice raising a request in the console. */
    const raisedByAlice = (principalId: unknown = ALICE_ID) => {
      const record = forwarded(created());
      (record.detail.userIdentity as Record<string, unknown>).principalId = principalId;
      return record;
    };
    const tagged = () => ssm.commandCalls(AddTagsToResourceCommand).map((c) => c.args[0].input);

    it("tags a request raised without the tag with the principal CloudTrail recorded, with the refuser role", async () => {
      const result = await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
      assert.deepEqual(result, { notified: "RequestCreated", messageId: "m-1" });
      const listed = ssm.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input);
      assert.deepEqual(listed, [{ ResourceType: "Automation", ResourceId: executionId }]);
      assert.deepEqual(tagged(), [
        { ResourceType: "Automation", ResourceId: executionId, Tags: [{ Key: REQUESTED_BY_TAG, Value: ALICE_ID }] },
      ]);
      const roles = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
      assert.deepEqual(
        roles.map((r) => [r.RoleArn, r.RoleSessionName]),
        [
          [SETTINGS.readerRoleArn, `request-notifier-${executionId}`],
          [SETTINGS.refuserRoleArn, `request-owner-${executionId}`],
        ],
      );
    });

    it("leaves a request tagged with its own requester as it is (the CLI tags at start)", async () => {
      ssm.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: REQUESTED_BY_TAG, Value: ALICE_ID }] });
      const result = await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
      assert.deepEqual(result, { notified: "RequestCreated", messageId: "m-1" });
      assert.deepEqual(tagged(), []);
    });

    it("refuses and stops a request tagged as another user's, naming both, or with the key in another case", async () => {
      for (const [Key, Value, why] of [
        [
          REQUESTED_BY_TAG,
          "AROAREQUESTSETROLEID01:bob",
          `the request is tagged ${REQUESTED_BY_TAG}=AROAREQUESTSETROLEID01:bob, but ${ALICE_ID} raised it`,
        ],
        [
          "jitrequestedby",
          ALICE_ID,
          `the request is tagged jitrequestedby, which differs from ${REQUESTED_BY_TAG} in case only: raise it again without that tag`,
        ],
      ]) {
        sns.resetHistory();
        ssm.resetHistory();
        ssm.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key, Value }] });
        const result = await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
        assert.deepEqual(result, { notified: "RequestRejected", messageId: "m-1" });
        assert.equal(ssm.commandCalls(StopAutomationExecutionCommand).length, 1);
        assert.deepEqual(tagged(), []);
        const [{ Message }] = published();
        assert.ok(Message?.includes(`Why: ${why}.`), Message);
      }
    });

    it("refuses a request whose recorded principal no tag can hold (nobody could cancel it), tagging nothing", async () => {
      for (const principal of ["AROAREQUESTSETROLEID01:alice~ops", null]) {
        sns.resetHistory();
        ssm.resetHistory();
        const result = await notifyRequestEvent(raisedByAlice(principal), clients, SETTINGS);
        assert.deepEqual(result, { notified: "RequestRejected", messageId: "m-1" });
        assert.ok(published()[0].Message?.includes(`cannot be held in the ${REQUESTED_BY_TAG} tag`));
        assert.deepEqual(tagged(), []);
      }
    });

    it("refuses a request that already carries the five tags an execution may hold (the requester's cannot be added)", async () => {
      const five = ["A", "B", "C", "D", "E"].map((Key) => ({ Key, Value: "x" }));
      ssm.on(ListTagsForResourceCommand).resolves({ TagList: five });
      const result = await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
      assert.deepEqual(result, { notified: "RequestRejected", messageId: "m-1" });
      assert.deepEqual(tagged(), []);
      assert.ok(published()[0].Message?.includes("carries 5 tags already"));
      // Tagged meanwhile: AWS refuses the sixth, and the request is refused rather than retried for ever.
      sns.resetHistory();
      ssm.on(ListTagsForResourceCommand).resolves({ TagList: five.slice(1) });
      ssm.on(AddTagsToResourceCommand).rejects(Object.assign(new Error("too many"), { name: "TooManyTagsError" }));
      const raced = await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
      assert.deepEqual(raced, { notified: "RequestRejected", messageId: "m-1" });
    });

    it("does not tag a request the screen refuses (it is stopped at once)", async () => {
      const refused = changeRequest();
      refused.Runbooks![0].Parameters!.Duration = ["6"];
      ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: refused });
      await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
      assert.deepEqual(tagged(), []);
      assert.equal(ssm.commandCalls(ListTagsForResourceCommand).length, 0);
    });

    describe("so that the requester, and approvers, may cancel a request raised in the console (IAM)", () => {
      let sets: { request: PolicyDocument; approve: PolicyDocument };
      before(async () => {
        const plan = await planFor();
        const read = (name: string) =>
          plan.jsonInput(
            plan.one("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", name),
            "inlinePolicy",
          );
        sets = {
          request: read("permission-sets-request-policy"),
          approve: read("permission-sets-approve-policy"),
        };
      });

      /** The request's tags once the notifier has run: what it added to a request that had none. */
      const tagsAfterScreen = () => Object.fromEntries((tagged()[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
      const stop = (set: "request" | "approve", setName: string, userId: string, tags: Record<string, unknown>) =>
        decide({
          principal: identityCenterUser(setName),
          action: "ssm:StopAutomationExecution",
          resource: automationExecutionArn(PLANNED_REQUESTER),
          resourceAccount: PLANNED_REQUESTER,
          identityPolicies: [sets[set]],
          context: {
            "aws:userid": userId,
            ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, String(v)])),
          },
        });

      it("lets Alice cancel her own console request once screened, and nobody else holding the request set", async () => {
        await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
        const tags = tagsAfterScreen();
        assert.equal(await stop("request", "RequestAWSAccountAccess", ALICE_ID, tags), "Allowed");
        assert.equal(
          await stop("request", "RequestAWSAccountAccess", "AROAREQUESTSETROLEID01:bob", tags),
          "ImplicitlyDenied",
        );
      });

      it("lets an approver cancel a console request once screened", async () => {
        await notifyRequestEvent(raisedByAlice(), clients, SETTINGS);
        const approver = "AROAAPPROVESETROLEID01:jane";
        assert.equal(await stop("approve", "ApproveAWSAccountAccess", approver, tagsAfterScreen()), "Allowed");
      });
    });
  });

  describe("shown", () => {
    it("says a missing value is not recorded, and cuts a long one to a kilobyte", () => {
      assert.equal(shown(undefined), "(not recorded)");
      assert.equal(shown(""), "(not recorded)");
      assert.equal(shown("x".repeat(5000)).length, 1024 + 3);
    });
  });

  describe("settings", () => {
    it("are read from the environment and checked, naming the key that breaks its rule", () => {
      const env = { [REQUEST_NOTIFIER_ENV]: JSON.stringify(SETTINGS) };
      assert.deepEqual(notifierSettings(env), SETTINGS);
      assert.throws(
        () => notifierSettings({ [REQUEST_NOTIFIER_ENV]: JSON.stringify({ ...SETTINGS, approvalMode: "email" }) }),
        /approvalMode must be webAndCli or chatOnly/,
      );
      assert.throws(
        () =>
          notifierSettings({ [REQUEST_NOTIFIER_ENV]: JSON.stringify({ ...SETTINGS, sessionMinutes: { X: "PT8H" } }) }),
        /sessionMinutes must be each requestable set's session duration in minutes/,
      );
      assert.throws(() => notifierSettings({}), /JIT_REQUEST_NOTIFIER is required/);
    });
  });
});
