import assert from "node:assert/strict";
import { GetRoleCommand, IAMClient, NoSuchEntityException } from "@aws-sdk/client-iam";
import {
  DescribeUserCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-identitystore";
import {
  ChildNotFoundException,
  ListParentsCommand,
  OrganizationsClient,
  type ParentType,
  TooManyRequestsException,
} from "@aws-sdk/client-organizations";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  type AutomationExecution,
  AutomationExecutionNotFoundException,
  DescribeDocumentCommand,
  GetAutomationExecutionCommand,
  GetParameterCommand,
  InternalServerError,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  type StepExecution,
} from "@aws-sdk/client-ssm";
import {
  type AccountAssignmentForPrincipal,
  CreateAccountAssignmentCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { dynamoLedger } from "../../functions/ledger";
import type { GrantLedger } from "../../functions/ledger/types";
import {
  type CheckRequestEvent,
  checkAccessRequest,
  REQUEST_CHECK_ENV,
  type RequestCheckClients,
  type RequestCheckSettings,
  requestCheckSettings,
} from "../../functions/requestCheck";
import { REQUEST_FRESHNESS_MINUTES } from "../../functions/requestCheck/changeRequest";
import { MEMBER_PAGES } from "../../functions/requestCheck/directory";
import { type CheckAndGrantSettings, checkAndGrant } from "../../functions/requestCheck/grant";
import type { EligibilityRule } from "../../shared/eligibility";
import type { GrantRecord } from "../../shared/grantLedger";
import { AUTO_APPROVE_PARAMETER, approvalStepName } from "../../shared/requestForm";
import { type Dynalite, startDynalite } from "../support/dynalite";
import { SchedulerMock } from "../support/grantFunctions";

const REQUESTER_ACCOUNT = "444455556666";
const WORKLOAD_ACCOUNT = "777788889999"; // in Production, nested in Workloads
const NETWORK_ACCOUNT = "123456789012"; // in Infrastructure
const ROOT = "r-ab12";
const WORKLOADS = "ou-ab12-wkld0001";
const PRODUCTION = "ou-ab12-prod0001";
const INFRASTRUCTURE = "ou-ab12-infr0001";
const ENGINEERS = "3f8e1a2b4c-0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d";
const JIT_APPROVERS = "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";

const READER_ROLE = "arn:aws:iam::444455556666:role/idc-jit-dev-request-reader";
const TEMPLATE = "idc-jit-dev-access-request";
const RUNBOOK = "idc-jit-dev-request-access";
const IDENTITY_STORE = "d-93671a2b3c";
const REQUEST_SET = "RequestAWSAccountAccess";
const NO_APPROVAL_SET = "RequestAccountAccessNoApproval";
const APPROVE_SET = "ApproveAWSAccountAccess";

/** The rules of Pulumi.management-dev.yaml, as the management stack hands them to the check. */
const RULES: EligibilityRule[] = [
  {
    name: "engineers-read-only",
    users: [],
    groups: [ENGINEERS],
    permissionSets: ["AWSReadOnlyAccess"],
    accounts: [],
    organizationalUnits: [ROOT],
    maxMinutes: 720,
    approvals: 0,
    approverGroups: [],
  },
  {
    name: "engineers-workloads",
    users: [],
    groups: [ENGINEERS],
    permissionSets: ["AWSAdministratorAccess", "AWSPowerUserAccess"],
    accounts: [],
    organizationalUnits: [WORKLOADS],
    maxMinutes: 240,
    approvals: 1,
    approverGroups: [JIT_APPROVERS],
  },
  {
    name: "network-on-call",
    users: ["alice"],
    groups: [],
    permissionSets: ["NetworkAdministrator"],
    accounts: [],
    organizationalUnits: [INFRASTRUCTURE],
    maxMinutes: 480,
    approvals: 1,
    approverGroups: [],
  },
];

const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f";
const PARAMETER_PATH = "/idc-jit/dev/permission-sets/";
const REASON_PATH = "/idc-jit/dev/check-reasons/";
/** The grant workflow execution that invokes the check, and another one. */
const GRANT_ID = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
const OTHER_GRANT_ID = "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e";
/** The ARN the name-to-ARN parameters give each permission set. */
/** Parameters someone changed: the set's name, and the ARN its parameter now holds. */
let swappedParameters = new Map<string, string>();
/** The permission sets Identity Center has (every name the tests ask for). */
const SET_NAMES = new Set<string>();
const setArn = (name: string) =>
  SET_NAMES.add(name) &&
  `arn:aws:sso:::permissionSet/ssoins-68047a3b2c1d9e0f/ps-${name.toLowerCase().padEnd(16, "0").slice(0, 16)}`;

const SETTINGS: RequestCheckSettings = {
  requesterAccountId: REQUESTER_ACCOUNT,
  readerRoleArn: READER_ROLE,
  requestForm: "changeManager",
  changeTemplateName: TEMPLATE,
  runbookName: RUNBOOK,
  identityStoreId: IDENTITY_STORE,
  instanceArn: INSTANCE_ARN,
  permissionSetParameterPath: PARAMETER_PATH,
  tableName: "ledger-set-per-test",
  schedule: {
    groupName: "idc-jit-dev-grant-ends",
    roleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-scheduler",
    deadLetterArn: "arn:aws:sqs:eu-west-1:111122223333:idc-jit-dev-end-dead-letters",
    documentName: "idc-jit-dev-end-access",
  },
  checkReasonPath: REASON_PATH,
  requestPermissionSets: [REQUEST_SET, NO_APPROVAL_SET],
  autoApprovePermissionSet: NO_APPROVAL_SET,
  approvePermissionSet: APPROVE_SET,
  durationUnit: "hours",
  rules: RULES,
  guardedAccounts: ["111122223333", REQUESTER_ACCOUNT],
  // As the management stack derives it from RULES (shared/config/management.ts).
  approvalsBySet: { AWSAdministratorAccess: 1, AWSPowerUserAccess: 1, AWSReadOnlyAccess: 0, NetworkAdministrator: 1 },
};

const RUNBOOK_ID = "7d3f1c2a-5b6e-4f80-9a1b-2c3d4e5f6a7b";
const CHANGE_REQUEST_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const SSO_ROLE_HASH: Record<string, string> = {
  [REQUEST_SET]: "0123456789abcdef",
  [NO_APPROVAL_SET]: "a1b2c3d4e5f60718",
  [APPROVE_SET]: "fedcba9876543210",
  AWSAdministratorAccess: "5e6f708192a3b4c5",
};

/** The STS ARN of a user signed in through the access portal with a permission set. */
function ssoSession(permissionSet: string, user: string, account = REQUESTER_ACCOUNT) {
  return `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${permissionSet}_${SSO_ROLE_HASH[permissionSet]}/${user}`;
}

const CHAT_CHANNEL_SESSION = "arn:aws:sts::444455556666:assumed-role/idc-jit-dev-chatbot-requester/xyz";

type Form = Omit<CheckRequestEvent, "RequesterExecutionId" | "GrantExecutionId">;

/** Alice asks for AWSAdministratorAccess on a production workload account for 2 hours. */
const FORM: Form = {
  AccountId: WORKLOAD_ACCOUNT,
  PermissionSet: "AWSAdministratorAccess",
  Duration: "2",
  DurationUnit: "hours",
  RequestingUser: "alice",
  Justification: "Restart the stuck deployment of the payments service",
};

const parametersOf = (form: Form): Record<string, string[]> =>
  Object.fromEntries(Object.entries(form).map(([field, value]) => [field, [value]]));

type ApproverDecision = { Approver: string; Decision: "Approved" | "Rejected"; DecisionTime: string; Comment: string };

const approved = (approver: string): ApproverDecision => ({
  Approver: approver,
  Decision: "Approved",
  DecisionTime: "2025-01-15T12:00:00.000Z",
  Comment: "ok",
});
const rejected = (approver: string): ApproverDecision => ({ ...approved(approver), Decision: "Rejected" });

/** The change request's aws:approve step, with the decisions as its ApproverDecisions output holds them. */
function approvalStep(rawDecisions: string): StepExecution {
  return {
    StepName: "Approve_Access_Request",
    Action: "aws:approve",
    StepStatus: "Success",
    Outputs: { ApprovalStatus: ["Approved"], ApproverDecisions: [rawDecisions] },
  };
}

const ssmMock = mockClient(SSMClient);
const stsMock = mockClient(STSClient);
const identityStoreMock = mockClient(IdentitystoreClient);
const organizationsMock = mockClient(OrganizationsClient);
const ssoAdminMock = mockClient(SSOAdminClient);

const CREDENTIALS = {
  AccessKeyId: "ASIAREADER0EXAMPLE00",
  SecretAccessKey: "reader-secret-access-key",
  SessionToken: "reader-session-token",
  Expiration: new Date(Date.UTC(2025, 0, 15, 13, 0, 0)),
};

let credentialsUsed: unknown[];
const scheduler = new SchedulerMock();
let db: Dynalite;
/** The ledger the check records in (the real DynamoDB API, on dynalite). */
let ledger: GrantLedger;
const clients: RequestCheckClients = {
  sts: new STSClient({ region: "eu-west-1" }),
  identityStore: new IdentitystoreClient({ region: "eu-west-1" }),
  organizations: new OrganizationsClient({ region: "us-east-1" }),
  ssoAdmin: new SSOAdminClient({ region: "eu-west-1" }),
  ssm: new SSMClient({ region: "eu-west-1" }),
  requesterSsm: (credentials) => {
    credentialsUsed.push(credentials);
    return new SSMClient({ region: "eu-west-1", credentials });
  },
  requesterIam: (credentials) => new IAMClient({ region: "us-east-1", credentials }),
  // Set once dynalite is up (useMocks).
  dynamodb: undefined as unknown as RequestCheckClients["dynamodb"],
  scheduler: scheduler.client,
};

const iamMock = mockClient(IAMClient);
/** Roles of the requester account someone created outside Identity Center's path, by name. */
let impostorRoles: Set<string>;
/** Groups whose members the mock will not list (more pages than the check reads). */
let oversizedGroups: Set<string>;

/** The reasons the check wrote for the grant workflows, by parameter name. */
let reasons: Map<string, string>;

/** The users' direct account assignments in Identity Center. */
let assignments: AccountAssignmentForPrincipal[];

/** The executions in the requester account, by id. */
let executions: Map<string, AutomationExecution>;
/** The request runbook's default version, as DescribeDocument gives it (the runs givenRequest makes ran version 1). */
let runbookDefaultVersion: string;
/** The identity store's users, by user name (GetUserId matches the name exactly), with the groups they are in. */
let directory: Map<string, { userId: string; groups: string[] }>;

const PARENTS: Record<string, { Id: string; Type: ParentType }> = {
  [WORKLOAD_ACCOUNT]: { Id: PRODUCTION, Type: "ORGANIZATIONAL_UNIT" },
  [PRODUCTION]: { Id: WORKLOADS, Type: "ORGANIZATIONAL_UNIT" },
  [WORKLOADS]: { Id: ROOT, Type: "ROOT" },
  [NETWORK_ACCOUNT]: { Id: INFRASTRUCTURE, Type: "ORGANIZATIONAL_UNIT" },
  [INFRASTRUCTURE]: { Id: ROOT, Type: "ROOT" },
  [REQUESTER_ACCOUNT]: { Id: INFRASTRUCTURE, Type: "ORGANIZATIONAL_UNIT" },
};

function givenUsers(users: Record<string, string[]>) {
  directory = new Map(
    Object.entries(users).map(([name, groups], i) => [
      name,
      { userId: `${(i + 1).toString(16).padStart(10, "0")}-0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d`, groups },
    ]),
  );
}

/**
 * The requester account holds a run of the request runbook with `changes` to the form that ended a minute ago once
 * it sent the request, started by a change request from our template raised by `raisedBy` and approved by bob (a JIT
 * approver). Returns the event the runbook sent.
 */
function givenRequest(
  changes: Partial<Form> = {},
  raisedBy = ssoSession(REQUEST_SET, "alice"),
  ids = { runbook: RUNBOOK_ID, changeRequest: CHANGE_REQUEST_ID, grant: GRANT_ID },
): CheckRequestEvent {
  const form = { ...FORM, ...changes };
  executions.set(ids.runbook, {
    AutomationExecutionId: ids.runbook,
    DocumentName: RUNBOOK,
    DocumentVersion: "1",
    AutomationExecutionStatus: "Success",
    ExecutionEndTime: new Date(Date.now() - 60_000),
    Parameters: parametersOf(form),
    ParentAutomationExecutionId: ids.changeRequest,
  });
  executions.set(ids.changeRequest, {
    AutomationExecutionId: ids.changeRequest,
    AutomationSubtype: "ChangeRequest",
    DocumentName: TEMPLATE,
    AutomationExecutionStatus: "Success",
    ExecutedBy: raisedBy,
    Runbooks: [{ DocumentName: RUNBOOK, Parameters: parametersOf(form) }],
    StepExecutions: [approvalStep(JSON.stringify([approved(ssoSession(APPROVE_SET, "bob"))]))],
  });
  return { ...form, RequesterExecutionId: ids.runbook, GrantExecutionId: ids.grant };
}

function givenExecution(id: string, changes: Partial<AutomationExecution>) {
  executions.set(id, { ...executions.get(id), ...changes });
}

const givenChangeRequest = (changes: Partial<AutomationExecution>) => givenExecution(CHANGE_REQUEST_ID, changes);

function givenApprovals(...decisions: ApproverDecision[]) {
  givenChangeRequest({ StepExecutions: [approvalStep(JSON.stringify(decisions))] });
}

/**
 * The check's answer, followed by the reason it wrote for the asking grant workflow if it wrote one: what the grant
 * workflow tells the requester (`Rejected: <reason>`), so the tests read as the requester would.
 */
async function check(event: unknown, changes: Partial<RequestCheckSettings> = {}): Promise<string> {
  reasons.clear();
  const answer = await checkAccessRequest(event, clients, { ...SETTINGS, ...changes });
  const asking = (event as { GrantExecutionId?: unknown } | null)?.GrantExecutionId;
  const reason = reasons.get(`${REASON_PATH}${typeof asking === "string" ? asking : GRANT_ID}`);
  return reason === undefined ? answer : `${answer}: ${reason}`;
}

/**
 * A request raised on the request runbook of a version from before requests named their unit: neither the runbook
 * nor its change request has a DurationUnit, and the grant rule's input transformer makes the missing field empty.
 */
function givenOlderRunbookRequest(): CheckRequestEvent {
  const event = givenRequest();
  for (const id of [RUNBOOK_ID, CHANGE_REQUEST_ID]) {
    const e = executions.get(id);
    const older = ({ DurationUnit: _, ...rest }: Record<string, string[]> = {}) => rest;
    executions.set(id, {
      ...e,
      ...(e?.Parameters && { Parameters: older(e.Parameters) }),
      ...(e?.Runbooks && { Runbooks: e.Runbooks.map((r) => ({ ...r, Parameters: older(r.Parameters) })) }),
    });
  }
  return { ...event, DurationUnit: "" };
}

const NO_UNIT =
  "the request has no DurationUnit (its request form is older than the unit), so its Duration cannot be counted in hours (jit:durationUnit): raise the request again";

const ELIGIBLE_UNDER_WORKLOADS = "Eligible";
const NEEDS_AN_APPROVER = `Rejected: rule engineers-workloads needs 1 approval(s) by someone other than alice in its approver groups; it has 0`;

/**
 * A new, empty ledger: the next check is a first one. A check asked again by the same grant workflow after it recorded
 * the grant resumes it, or fails rather than refuse it; tests that judge several versions of one request start over.
 */
async function freshLedger() {
  SETTINGS.tableName = await db.table();
  ledger = dynamoLedger({ dynamodb: db.client, tableName: SETTINGS.tableName });
}

/** Registered inside each describe: hooks at the top level would also run around the other files' tests. */
function useMocks() {
  before(async () => {
    db = await startDynalite();
    clients.dynamodb = db.client;
  });
  after(() => db.close());
  beforeEach(async () => {
    SETTINGS.tableName = await db.table();
    ledger = dynamoLedger({ dynamodb: db.client, tableName: SETTINGS.tableName });
    scheduler.reset();
    ssmMock.reset();
    stsMock.reset();
    identityStoreMock.reset();
    organizationsMock.reset();
    ssoAdminMock.reset();
    credentialsUsed = [];
    assignments = [];
    reasons = new Map();
    impostorRoles = new Set();
    swappedParameters = new Map();
    iamMock.reset();
    // Identity Center's roles for every permission set; a role created elsewhere has another path.
    iamMock.on(GetRoleCommand).callsFake(async ({ RoleName }) => {
      const name = String(RoleName);
      if (impostorRoles.has(name))
        return { Role: { RoleName: name, Path: "/", Arn: `arn:aws:iam::${REQUESTER_ACCOUNT}:role/${name}` } };
      if (!name.startsWith("AWSReservedSSO_")) throw new NoSuchEntityException({ message: "not found", $metadata: {} });
      const path = "/aws-reserved/sso.amazonaws.com/eu-west-1/";
      return { Role: { RoleName: name, Path: path, Arn: `arn:aws:iam::${REQUESTER_ACCOUNT}:role${path}${name}` } };
    });
    executions = new Map();
    runbookDefaultVersion = "1";
    ssmMock.on(DescribeDocumentCommand).callsFake(async ({ Name }) => {
      if (Name !== RUNBOOK) throw new Error(`the check described ${Name}: only the request runbook is`);
      return { Document: { Name, DocumentVersion: runbookDefaultVersion, DefaultVersion: runbookDefaultVersion } };
    });
    givenUsers({ alice: [ENGINEERS], bob: [JIT_APPROVERS], dave: [ENGINEERS], mallory: [] });

    stsMock.on(AssumeRoleCommand).resolves({ Credentials: CREDENTIALS });
    ssmMock.on(GetAutomationExecutionCommand).callsFake(async ({ AutomationExecutionId }) => {
      const execution = executions.get(AutomationExecutionId);
      if (!execution) {
        throw new AutomationExecutionNotFoundException({ message: "Execution not found", $metadata: {} });
      }
      return { AutomationExecution: execution };
    });
    identityStoreMock.on(GetUserIdCommand).callsFake(async ({ IdentityStoreId, AlternateIdentifier }) => {
      const user = directory.get(String(AlternateIdentifier?.UniqueAttribute?.AttributeValue));
      if (!user) throw new ResourceNotFoundException({ message: "USER not found", $metadata: {} });
      return { IdentityStoreId, UserId: user.userId };
    });
    identityStoreMock.on(DescribeUserCommand).callsFake(async ({ IdentityStoreId, UserId }) => {
      const user = [...directory].find(([, u]) => u.userId === UserId);
      if (!user) throw new ResourceNotFoundException({ message: "USER not found", $metadata: {} });
      return { IdentityStoreId, UserId, UserName: user[0] };
    });
    identityStoreMock.on(IsMemberInGroupsCommand).callsFake(async ({ MemberId, GroupIds }) => {
      const user = [...directory.values()].find((u) => u.userId === MemberId?.UserId);
      return {
        Results: (GroupIds as string[]).map((GroupId) => ({
          GroupId,
          MemberId,
          MembershipExists: Boolean(user?.groups.includes(GroupId)),
        })),
      };
    });
    oversizedGroups = new Set();
    identityStoreMock.on(ListGroupMembershipsCommand).callsFake(async ({ IdentityStoreId, GroupId, NextToken }) => {
      // A group too large to list: every page is full, and there is always another.
      if (oversizedGroups.has(String(GroupId))) return { GroupMemberships: [], NextToken: `${NextToken ?? ""}x` };
      const members = [...directory.values()].filter((u) => u.groups.includes(String(GroupId)));
      return {
        GroupMemberships: members.map((u) => ({
          IdentityStoreId,
          GroupId,
          MembershipId: `m-${u.userId}`,
          MemberId: { UserId: u.userId },
        })),
      };
    });
    ssmMock.on(GetParameterCommand).callsFake(async ({ Name }) => {
      const name = String(Name);
      if (!name.startsWith(PARAMETER_PATH) || name.endsWith("Unsynced")) {
        throw new ParameterNotFound({ message: "parameter not found", $metadata: {} });
      }
      const set = name.slice(PARAMETER_PATH.length);
      const value = swappedParameters.get(set) ?? setArn(set);
      return { Parameter: { Name, Value: value } };
    });
    // Identity Center names each set's ARN as its parameter was made (setArn).
    ssoAdminMock.on(DescribePermissionSetCommand).callsFake(async ({ PermissionSetArn }) => ({
      PermissionSet: {
        PermissionSetArn,
        Name: [...SET_NAMES].find((n) => setArn(n) === PermissionSetArn),
      },
    }));
    ssmMock.on(PutParameterCommand).callsFake(async ({ Name, Value }) => {
      if (!String(Name).startsWith(REASON_PATH)) throw new Error(`the check wrote ${Name}: only reasons are written`);
      reasons.set(String(Name), String(Value));
      return { Version: 1 };
    });
    ssoAdminMock.on(ListAccountAssignmentsForPrincipalCommand).callsFake(async ({ PrincipalId, Filter }) => ({
      AccountAssignments: assignments.filter((a) => a.PrincipalId === PrincipalId && a.AccountId === Filter?.AccountId),
    }));
    organizationsMock.on(ListParentsCommand).callsFake(async ({ ChildId }) => {
      const parent = PARENTS[ChildId];
      if (!parent) throw new ChildNotFoundException({ message: "child not found", $metadata: {} });
      return { Parents: [parent] };
    });
  });
}

describe("checkAccessRequest", () => {
  useMocks();

  describe("an approved request within the rules", () => {
    it("is eligible, naming the requester and the rule that admits it", async () => {
      assert.equal(await check(givenRequest()), ELIGIBLE_UNDER_WORKLOADS);
    });

    it("reads both executions in the requester account with the reader role's credentials", async () => {
      await check(givenRequest());
      const assumed = stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
      assert.equal(assumed.length, 1);
      assert.equal(assumed[0].RoleArn, READER_ROLE);
      assert.equal(assumed[0].RoleSessionName, `request-check-${RUNBOOK_ID}`);
      assert.deepEqual(credentialsUsed, [
        {
          accessKeyId: CREDENTIALS.AccessKeyId,
          secretAccessKey: CREDENTIALS.SecretAccessKey,
          sessionToken: CREDENTIALS.SessionToken,
        },
      ]);
      const read = ssmMock
        .commandCalls(GetAutomationExecutionCommand)
        .map((c) => c.args[0].input.AutomationExecutionId);
      assert.deepEqual(read, [RUNBOOK_ID, CHANGE_REQUEST_ID]);
    });

    it("looks up the requester's and the approver's groups among those the rules name, in the configured store", async () => {
      await check(givenRequest());
      const looked = identityStoreMock.commandCalls(GetUserIdCommand).map((c) => c.args[0].input);
      assert.deepEqual(looked.map((i) => i.AlternateIdentifier?.UniqueAttribute?.AttributeValue).sort(), [
        "alice",
        "bob",
      ]);
      assert.ok(looked.every((i) => i.IdentityStoreId === IDENTITY_STORE));
      for (const call of identityStoreMock.commandCalls(IsMemberInGroupsCommand)) {
        assert.equal(call.args[0].input.IdentityStoreId, IDENTITY_STORE);
        assert.deepEqual(call.args[0].input.GroupIds, [ENGINEERS, JIT_APPROVERS]);
      }
    });

    it("places the account by walking its parents up to the root", async () => {
      await check(givenRequest());
      const children = organizationsMock.commandCalls(ListParentsCommand).map((c) => c.args[0].input.ChildId);
      assert.deepEqual(children, [WORKLOAD_ACCOUNT, PRODUCTION, WORKLOADS]);
    });

    it("refuses the requesting user typed in another case: the grant and its summary go by the name as signed in", async () => {
      const event = givenRequest({ RequestingUser: "Alice" });
      assert.equal(
        await check(event),
        "Rejected: the change request was raised by alice, not by Alice, the user it asks access for",
      );
    });
  });

  describe("the requester is whoever raised the change request", () => {
    it("rejects a change request raised by someone other than the user it asks access for", async () => {
      const event = givenRequest({ RequestingUser: "alice" }, ssoSession(REQUEST_SET, "mallory"));
      assert.equal(
        await check(event),
        "Rejected: the change request was raised by mallory, not by alice, the user it asks access for",
      );
    });

    /** The rejection names the principal; the permission sets after it may be cut off at the reason's length. */
    const notIdentityCenter = (verdict: string, by: string) => {
      const full = `Rejected: the change request was raised by ${by}, which is not an IAM Identity Center user signed in with ${REQUEST_SET} or ${NO_APPROVAL_SET}`;
      const reason = verdict.slice("Rejected: ".length);
      assert.ok(reason.length <= 200 && full.startsWith(verdict.replace(/\.\.\.$/, "")), verdict);
      assert.match(verdict, /which is not an IAM Identity Center user/);
    };

    it("rejects a change request raised through the chat channel's role", async () => {
      notIdentityCenter(await check(givenRequest({}, CHAT_CHANNEL_SESSION)), CHAT_CHANNEL_SESSION);
    });

    it("rejects a change request raised by an IAM role session named after the user", async () => {
      const roleSession = "arn:aws:sts::444455556666:assumed-role/Admin/alice";
      notIdentityCenter(await check(givenRequest({}, roleSession)), roleSession);
    });

    it("rejects a change request raised by an IAM user", async () => {
      const iamUser = "arn:aws:iam::444455556666:user/alice";
      notIdentityCenter(await check(givenRequest({}, iamUser)), iamUser);
    });

    it("rejects a session of a permission set that is not one of the request sets", async () => {
      const adminSession = ssoSession("AWSAdministratorAccess", "alice");
      notIdentityCenter(await check(givenRequest({}, adminSession)), adminSession);
    });

    it("rejects a session in another account than the requester account", async () => {
      const elsewhere = ssoSession(REQUEST_SET, "alice", WORKLOAD_ACCOUNT);
      notIdentityCenter(await check(givenRequest({}, elsewhere)), elsewhere);
    });

    it("rejects a change request that names no one as its executor", async () => {
      const event = givenRequest();
      givenChangeRequest({ ExecutedBy: undefined });
      notIdentityCenter(await check(event), "an unknown principal");
    });
  });

  describe("the event must be what the requester account holds", () => {
    it("rejects an execution that is not a run of our request runbook", async () => {
      const event = givenRequest();
      givenExecution(RUNBOOK_ID, { DocumentName: "someone-elses-runbook" });
      assert.equal(
        await check(event),
        `Rejected: execution ${RUNBOOK_ID} is not a run of the request runbook ${RUNBOOK}`,
      );
    });

    it("rejects a runbook that ended without sending the request", async () => {
      for (const status of ["Failed", "Cancelled", "TimedOut"] as const) {
        const event = givenRequest();
        givenExecution(RUNBOOK_ID, { AutomationExecutionStatus: status });
        assert.equal(
          await check(event),
          `Rejected: the request runbook ${RUNBOOK_ID} ended ${status}: it did not send this request`,
          status,
        );
      }
    });

    it("accepts a runbook still sending the request, started within the hour, and refuses one started earlier", async () => {
      for (const status of ["InProgress", "Waiting"] as const) {
        const event = givenRequest();
        const started = new Date(Date.now() - 2 * 60_000);
        givenExecution(RUNBOOK_ID, {
          AutomationExecutionStatus: status,
          ExecutionStartTime: started,
          ExecutionEndTime: undefined,
        });
        assert.equal(await check(event), "Eligible", status);
      }
      await freshLedger();
      const stuck = givenRequest();
      givenExecution(RUNBOOK_ID, {
        AutomationExecutionStatus: "InProgress",
        ExecutionStartTime: new Date(Date.now() - 90 * 60_000),
        ExecutionEndTime: undefined,
      });
      assert.match(await check(stuck), /^Rejected: the request was sent 90 minutes ago/);
    });

    it(`accepts a request sent up to ${REQUEST_FRESHNESS_MINUTES} minutes ago, and refuses one sent earlier`, async () => {
      const sentAgo = async (minutes: number) => {
        await freshLedger();
        const event = givenRequest();
        givenExecution(RUNBOOK_ID, { ExecutionEndTime: new Date(Date.now() - minutes * 60_000) });
        return check(event);
      };
      assert.equal(await sentAgo(REQUEST_FRESHNESS_MINUTES - 1), "Eligible");
      assert.match(await sentAgo(REQUEST_FRESHNESS_MINUTES), /^Rejected: the request was sent 60 minutes ago/);
      // An end time a little ahead of the function's clock (skew) only makes the request look fresher.
      assert.equal(await sentAgo(-2), "Eligible");
      assert.equal(
        await sentAgo(REQUEST_FRESHNESS_MINUTES + 5),
        `Rejected: the request was sent ${REQUEST_FRESHNESS_MINUTES + 5} minutes ago; a request is granted only within ${REQUEST_FRESHNESS_MINUTES} minutes of being sent: ask again`,
      );
    });

    it("refuses a runbook that ended Success with no end time: the request's age is unknown", async () => {
      const event = givenRequest();
      givenExecution(RUNBOOK_ID, { ExecutionEndTime: undefined });
      assert.equal(
        await check(event),
        `Rejected: the request runbook ${RUNBOOK_ID} is Success with no start or end time: its age is unknown`,
      );
    });

    it("rejects a runbook with no change request recorded, naming AWS's record as the cause", async () => {
      const event = givenRequest();
      givenExecution(RUNBOOK_ID, { ParentAutomationExecutionId: undefined });
      assert.equal(
        await check(event),
        "Rejected: AWS recorded no change request for the request runbook (no ParentAutomationExecutionId): who raised and approved it cannot be confirmed",
      );
    });

    it("rejects a runbook whose parent is a plain automation, not a change request", async () => {
      const event = givenRequest();
      givenChangeRequest({ AutomationSubtype: undefined });
      assert.equal(
        await check(event),
        "Rejected: the request runbook was not started by a Change Manager change request",
      );
    });

    it("rejects a change request raised from another template", async () => {
      const event = givenRequest();
      givenChangeRequest({ DocumentName: "lenient-template" });
      assert.equal(
        await check(event),
        `Rejected: the change request was raised from lenient-template, not from ${TEMPLATE}`,
      );
    });

    it("rejects an event whose value differs from the runbook's parameter", async () => {
      const event = givenRequest();
      assert.equal(
        await check({ ...event, Duration: "1" }),
        "Rejected: the request's Duration differs from the one its change request was raised with",
      );
      assert.equal(
        await check({ ...event, AccountId: NETWORK_ACCOUNT }),
        "Rejected: the request's AccountId differs from the one its change request was raised with",
      );
    });

    it("rejects a runbook whose values differ from those its change request was raised with", async () => {
      const event = givenRequest();
      givenChangeRequest({
        Runbooks: [{ DocumentName: RUNBOOK, Parameters: parametersOf({ ...FORM, Duration: "1" }) }],
      });
      assert.equal(await check(event), "Rejected: the request runbook's values differ from its change request's");
    });

    it("rejects a change request that does not run our runbook", async () => {
      const event = givenRequest();
      givenChangeRequest({ Runbooks: [{ DocumentName: "another-runbook", Parameters: parametersOf(FORM) }] });
      assert.equal(
        await check(event),
        `Rejected: the change request must run the request runbook ${RUNBOOK} and nothing else`,
      );
    });

    it("rejects a change request that runs our runbook and another besides", async () => {
      const event = givenRequest();
      const ours = { DocumentName: RUNBOOK, Parameters: parametersOf(FORM) };
      givenChangeRequest({ Runbooks: [ours, { DocumentName: "AWS-RestartEC2Instance", Parameters: {} }] });
      assert.equal(
        await check(event),
        `Rejected: the change request must run the request runbook ${RUNBOOK} and nothing else`,
      );
    });

    it("rejects an execution id the requester account does not know", async () => {
      const unknown = "11111111-2222-4333-8444-555555555555";
      assert.equal(
        await check({ ...givenRequest(), RequesterExecutionId: unknown }),
        `Rejected: the requester account has no execution ${unknown}`,
      );
    });

    it("rejects a runbook whose parent the requester account does not know", async () => {
      const event = givenRequest();
      executions.delete(CHANGE_REQUEST_ID);
      assert.equal(await check(event), `Rejected: the requester account has no execution ${CHANGE_REQUEST_ID}`);
    });
  });

  describe("the duration's unit is the request's own (issue 15)", () => {
    it("refuses a request raised in minutes once durations are counted in hours, naming DurationUnit", async () => {
      assert.equal(
        await check(givenRequest({ DurationUnit: "minutes" })),
        "Rejected: the request's DurationUnit is minutes, not hours, the unit durations are counted in (jit:durationUnit): raise the request again",
      );
    });

    it("grants the same request where durations are counted in minutes", async () => {
      const verdict = await check(givenRequest({ DurationUnit: "minutes" }), { durationUnit: "minutes" });
      assert.equal(verdict, ELIGIBLE_UNDER_WORKLOADS);
    });

    it("refuses an event without a unit, naming it, rather than counting it in the deployment's", async () => {
      const { DurationUnit: _, ...withoutUnit } = givenRequest();
      assert.equal(
        await check(withoutUnit),
        "Rejected: the request's DurationUnit differs from the one its change request was raised with",
      );
      assert.equal(await check({ ...withoutUnit, DurationUnit: 4 }), "Rejected: the request has no DurationUnit");
    });

    it("refuses a request from a runbook of a version that sent no unit, saying it has none and to raise it again", async () => {
      const event = givenOlderRunbookRequest();
      for (const sent of [event, { ...event, DurationUnit: undefined }]) {
        await freshLedger();
        assert.equal(await check(sent), `Rejected: ${NO_UNIT}`);
      }
    });

    it("refuses a unit the runbook was not raised with, and a runbook of a version that asked for none", async () => {
      assert.equal(
        await check({ ...givenRequest({ DurationUnit: "minutes" }), DurationUnit: "hours" }),
        "Rejected: the request's DurationUnit differs from the one its change request was raised with",
      );
      const event = givenRequest();
      const runbook = executions.get(RUNBOOK_ID);
      const { DurationUnit: _, ...older } = runbook?.Parameters ?? {};
      executions.set(RUNBOOK_ID, { ...runbook, Parameters: older });
      assert.equal(
        await check(event),
        "Rejected: the request's DurationUnit differs from the one its change request was raised with",
      );
    });
  });

  describe("the event itself", () => {
    it("rejects an event missing a field, naming it, before calling AWS", async () => {
      const { Justification: _, ...withoutJustification } = givenRequest();
      assert.equal(await check(withoutJustification), "Rejected: the request has no Justification");
      assert.equal(stsMock.commandCalls(AssumeRoleCommand).length, 0);
    });

    it("rejects a field that is not a string", async () => {
      assert.equal(await check({ ...givenRequest(), Duration: 2 }), "Rejected: the request has no Duration");
    });

    it("rejects something that is not an event at all, with no grant workflow to write a reason for", async () => {
      assert.equal(await check(null), "Rejected");
      assert.equal(ssmMock.commandCalls(PutParameterCommand).length, 0);
    });

    it("rejects an execution id that is not one, before calling AWS", async () => {
      const verdict = await check({ ...givenRequest(), RequesterExecutionId: "../../other-account" });
      assert.match(verdict, /^Rejected: RequesterExecutionId must be a Systems Manager Automation execution id/);
      assert.equal(stsMock.commandCalls(AssumeRoleCommand).length, 0);
    });
  });

  describe("approvals", () => {
    it("does not count the requester's own approval", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "alice")));
      assert.ok((await check(event)).startsWith(NEEDS_AN_APPROVER));
    });

    it("says the requester's own approval does not count, within the answer's length", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "alice")));
      const verdict = await check(event);
      assert.ok(verdict.startsWith("Rejected: "), verdict);
      assert.match(verdict, /alice's own approval does not count/);
    });

    it("counts another approver's approval beside the requester's own", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "alice")), approved(ssoSession(APPROVE_SET, "bob")));
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    });

    it("counts one approver once, however often they approved", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "bob")), approved(ssoSession(APPROVE_SET, "bob")));
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
      assert.equal(
        identityStoreMock
          .commandCalls(GetUserIdCommand)
          .filter((c) => c.args[0].input.AlternateIdentifier?.UniqueAttribute?.AttributeValue === "bob").length,
        1,
      );
    });

    it("does not count an approval by an IAM role", async () => {
      const event = givenRequest();
      givenApprovals(approved("arn:aws:sts::444455556666:assumed-role/Admin/bob"));
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("does not count an approval by a session of another permission set than the approve set", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(REQUEST_SET, "bob")));
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("does not count an approval from a session in another account", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "bob", WORKLOAD_ACCOUNT)));
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("does not count a decision to reject", async () => {
      const event = givenRequest();
      givenApprovals(rejected(ssoSession(APPROVE_SET, "bob")));
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("does not count an approver outside the rule's approver groups", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "dave")));
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("ignores the outputs of steps that are not approvals", async () => {
      const event = givenRequest();
      const forged = JSON.stringify([approved(ssoSession(APPROVE_SET, "bob"))]);
      givenChangeRequest({
        StepExecutions: [{ StepName: "Note", Action: "aws:executeScript", Outputs: { ApproverDecisions: [forged] } }],
      });
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("rejects approvals it cannot read, naming the step", async () => {
      const event = givenRequest();
      givenChangeRequest({ StepExecutions: [approvalStep("Approved by bob")] });
      assert.equal(
        await check(event),
        "Rejected: the change request's approvals cannot be read (Approve_Access_Request: ApproverDecisions is not JSON)",
      );
    });

    it("does not count an approver who is no longer in the identity store, and counts the others", async () => {
      givenUsers({ alice: [ENGINEERS], bob: [JIT_APPROVERS] });
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "gone")));
      assert.ok((await check(event)).startsWith(NEEDS_AN_APPROVER));
      // A new request (the refused one stays refused), approved by both.
      const again = givenRequest({}, undefined, {
        runbook: "8e4f2d3b-6c7f-4a91-8b2c-3d4e5f6a7b8c",
        changeRequest: "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
        grant: OTHER_GRANT_ID,
      });
      givenExecution("1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", {
        StepExecutions: [
          approvalStep(
            JSON.stringify([approved(ssoSession(APPROVE_SET, "gone")), approved(ssoSession(APPROVE_SET, "bob"))]),
          ),
        ],
      });
      assert.equal(await check(again), ELIGIBLE_UNDER_WORKLOADS);
    });

    it("counts an approver whose user name has capitals, looking them up by that name", async () => {
      givenUsers({ alice: [ENGINEERS], Bob: [JIT_APPROVERS] });
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "Bob")));
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    });
  });

  describe("approval decisions in either shape AWS may record them (variant approverDecisions)", () => {
    /** A decision as a map with AWS's API field names, one JSON text per decision. */
    const asMap = (approver: string, decision: "Approve" | "Reject") =>
      JSON.stringify({ Approver: approver, Decision: decision, ApprovalDecisionTime: "2025-01-15T12:00:00Z" });
    const listOfMaps = (...items: string[]): StepExecution => ({
      StepName: "Approve_Access_Request",
      Action: "aws:approve",
      StepStatus: "Success",
      Outputs: { ApprovalStatus: ["Approved"], ApproverDecisions: items },
    });

    it("counts an approval from a list of maps, spelt Approve", async () => {
      const event = givenRequest();
      givenChangeRequest({ StepExecutions: [listOfMaps(asMap(ssoSession(APPROVE_SET, "bob"), "Approve"))] });
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    });

    it("does not count a Reject in a list of maps, nor the requester's own Approve", async () => {
      const event = givenRequest();
      givenChangeRequest({
        StepExecutions: [
          listOfMaps(
            asMap(ssoSession(APPROVE_SET, "bob"), "Reject"),
            asMap(ssoSession(APPROVE_SET, "alice"), "Approve"),
          ),
        ],
      });
      assert.ok((await check(event)).startsWith(NEEDS_AN_APPROVER));
    });
  });

  describe("who a decision names (variant approverIdentity)", () => {
    const APPROVE_ROLE = `AWSReservedSSO_${APPROVE_SET}_${SSO_ROLE_HASH[APPROVE_SET]}`;
    const roleArnOf = (account = REQUESTER_ACCOUNT) =>
      `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${APPROVE_ROLE}`;
    const idOf = (user: string) => String(directory.get(user)?.userId);

    it("rejects a request that needs approvals when AWS names only the approve set's role, saying so", async () => {
      const event = givenRequest();
      givenApprovals(approved(roleArnOf()));
      assert.equal(
        await check(event),
        `Rejected: AWS recorded approvals without the approver (only the role ${APPROVE_ROLE}): no approval can be counted`,
      );
    });

    it("still grants what a rule lets through without approvals when AWS names only the role", async () => {
      const event = givenRequest({ PermissionSet: "AWSReadOnlyAccess" });
      givenApprovals(approved(roleArnOf()));
      assert.equal(await check(event), "Eligible");
    });

    it("pays no attention to a role of another account or another set named in a decision", async () => {
      const event = givenRequest();
      givenApprovals(
        approved(roleArnOf(WORKLOAD_ACCOUNT)),
        approved(roleArnOf().replace(APPROVE_ROLE, `AWSReservedSSO_${REQUEST_SET}_${SSO_ROLE_HASH[REQUEST_SET]}`)),
      );
      assert.equal(await check(event), NEEDS_AN_APPROVER);
    });

    it("counts an approval that names the approver's user id, by the name the identity store gives it", async () => {
      const event = givenRequest();
      givenApprovals(approved(idOf("bob")));
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
      const described = identityStoreMock.commandCalls(DescribeUserCommand).map((c) => c.args[0].input);
      assert.deepEqual(described, [{ IdentityStoreId: IDENTITY_STORE, UserId: idOf("bob") }]);
    });

    it("does not count the requester's own user id, nor an id the identity store does not know", async () => {
      const event = givenRequest();
      givenApprovals(approved(idOf("alice")), approved("0123456789-0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d"));
      const verdict = await check(event);
      assert.ok(verdict.startsWith(NEEDS_AN_APPROVER), verdict);
      assert.match(verdict, /alice's own approval does not count/);
    });

    it("counts one person once, whether named by session or by user id", async () => {
      const event = givenRequest({ PermissionSet: "NetworkAdministrator", AccountId: NETWORK_ACCOUNT });
      givenApprovals(approved(ssoSession(APPROVE_SET, "bob")), approved(idOf("bob")));
      assert.equal(await check(event), "Eligible");
      assert.equal(
        identityStoreMock
          .commandCalls(GetUserIdCommand)
          .filter((c) => c.args[0].input.AlternateIdentifier?.UniqueAttribute?.AttributeValue === "bob").length,
        1,
      );
    });
  });

  describe("the change request's own status (variants changeRequestCancel, changeRequestClose)", () => {
    for (const status of [
      "Cancelled",
      "Cancelling",
      "Rejected",
      "Failed",
      "TimedOut",
      "CompletedWithFailure",
    ] as const) {
      it(`rejects a request whose change request is ${status}, even though its runbook sent it`, async () => {
        const event = givenRequest();
        givenChangeRequest({ AutomationExecutionStatus: status });
        assert.equal(
          await check(event),
          `Rejected: the change request is ${status}: only an approved change request whose runbook ran is granted`,
        );
      });
    }

    for (const status of ["InProgress", "RunbookInProgress", "Approved", "Success", "CompletedWithSuccess"] as const) {
      it(`accepts a change request that is ${status}`, async () => {
        const event = givenRequest();
        givenChangeRequest({ AutomationExecutionStatus: status });
        assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
      });
    }
  });

  describe("the runbook's parameters as the console may pass them (variant consoleRunbookParameters)", () => {
    it("ignores an AutomationAssumeRole the console added, in the runbook and in the change request", async () => {
      const event = givenRequest();
      const withRole = { ...parametersOf(FORM), AutomationAssumeRole: [""] };
      givenExecution(RUNBOOK_ID, { Parameters: withRole });
      givenChangeRequest({ Runbooks: [{ DocumentName: RUNBOOK, Parameters: withRole }] });
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    });
  });

  describe("roles that only look like Identity Center's", () => {
    // A session ARN names the role, not its path: a role named like Identity Center's, made elsewhere, is not one.
    const impostor = `AWSReservedSSO_${REQUEST_SET}_${SSO_ROLE_HASH[REQUEST_SET]}`;

    it("rejects a change request raised with a role named like Identity Center's but made elsewhere", async () => {
      impostorRoles.add(impostor);
      assert.equal(
        await check(givenRequest()),
        `Rejected: the change request was raised with the role ${impostor}, which IAM Identity Center did not create`,
      );
    });

    it("does not count an approval given with such a role", async () => {
      const event = givenRequest();
      impostorRoles.add(`AWSReservedSSO_${APPROVE_SET}_${SSO_ROLE_HASH[APPROVE_SET]}`);
      assert.ok((await check(event)).startsWith(NEEDS_AN_APPROVER));
    });

    it("asks IAM about each role once, with the reader role's credentials", async () => {
      await check(givenRequest());
      const names = iamMock.commandCalls(GetRoleCommand).map((c) => c.args[0].input.RoleName);
      assert.deepEqual(names.sort(), [
        `AWSReservedSSO_${APPROVE_SET}_${SSO_ROLE_HASH[APPROVE_SET]}`,
        `AWSReservedSSO_${REQUEST_SET}_${SSO_ROLE_HASH[REQUEST_SET]}`,
      ]);
    });
  });

  describe("what the user already holds", () => {
    const ALICE = () => String(directory.get("alice")?.userId);
    const direct = (AccountId: string, set: string): AccountAssignmentForPrincipal => ({
      AccountId,
      PermissionSetArn: setArn(set),
      PrincipalId: ALICE(),
      PrincipalType: "USER",
    });

    it("rejects a request for a permission set the user already holds directly on the account", async () => {
      const event = givenRequest();
      assignments = [direct(WORKLOAD_ACCOUNT, "AWSAdministratorAccess")];
      assert.equal(
        await check(event),
        `Rejected: alice already holds AWSAdministratorAccess on account ${WORKLOAD_ACCOUNT} outside JIT (no JIT grant of it is open): ask again once it has been removed`,
      );
    });

    it("grants what the user holds only on another account, only as another set, or only through a group", async () => {
      const event = givenRequest();
      assignments = [
        direct(NETWORK_ACCOUNT, "AWSAdministratorAccess"),
        direct(WORKLOAD_ACCOUNT, "AWSReadOnlyAccess"),
        { ...direct(WORKLOAD_ACCOUNT, "AWSAdministratorAccess"), PrincipalType: "GROUP", PrincipalId: ENGINEERS },
      ];
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    });

    it("rejects a permission set the name-to-ARN sync has not found yet, saying so", async () => {
      const event = givenRequest({ PermissionSet: "Unsynced" });
      assert.equal(
        await check(event),
        "Rejected: Unsynced cannot be granted yet: the permission set sync has not found it in IAM Identity Center",
      );
    });

    it("grants the set it checked or nothing: a name-to-ARN parameter changed to another set's ARN is refused", async () => {
      // Someone with ssm:PutParameter maps the requested set's name to the read-only set's ARN (any other set would do).
      swappedParameters.set("AWSAdministratorAccess", setArn("AWSReadOnlyAccess"));
      assert.equal(
        await check(givenRequest()),
        "Rejected: AWSAdministratorAccess's name-to-ARN parameter holds the ARN of AWSReadOnlyAccess: nothing is granted (the parameter was changed outside the permission set sync)",
      );
    });
  });

  describe("a refused request stays refused", () => {
    it("refuses the same request delivered again, even once what refused it has changed", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "alice")));
      assert.ok((await check(event)).startsWith(NEEDS_AN_APPROVER));
      // Bob's approval appears in the records afterwards; the same approved event is sent again.
      givenApprovals(approved(ssoSession(APPROVE_SET, "bob")));
      assert.equal(
        await check({ ...event, GrantExecutionId: OTHER_GRANT_ID }),
        `Ignored: request ${RUNBOOK_ID} was refused once already, by grant workflow ${GRANT_ID}: a refused request is never granted; raise a new one`,
      );
      assert.equal(await ledger.get(RUNBOOK_ID), undefined, "nothing was recorded for a grant");
    });

    it("answers the refusing workflow's own retried check as then", async () => {
      const event = givenRequest();
      givenApprovals(approved(ssoSession(APPROVE_SET, "alice")));
      const first = await check(event);
      givenApprovals(approved(ssoSession(APPROVE_SET, "bob")));
      assert.equal(await check(event), first);
    });

    it("keeps no refusal for an event the requester account's records do not confirm: the genuine request is granted", async () => {
      const genuine = givenRequest();
      const forged = { ...genuine, Duration: "3", GrantExecutionId: OTHER_GRANT_ID };
      assert.match(await check(forged), /^Rejected: the request's Duration differs/);
      assert.equal(await check(genuine), ELIGIBLE_UNDER_WORKLOADS);
    });
  });

  describe("the grant ledger: a request is granted at most once, one open grant per access", () => {
    const SECOND_RUNBOOK = "8e4f2d3b-6c7f-4a91-8b2c-3d4e5f6a7b8c";
    const SECOND_CHANGE_REQUEST = "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
    const THIRD_GRANT_ID = "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f";
    /** Another approved request of alice's, for the same access unless `changes` say otherwise. */
    const secondRequest = (changes: Partial<Form> = {}, grantId = OTHER_GRANT_ID) =>
      givenRequest(changes, undefined, {
        runbook: SECOND_RUNBOOK,
        changeRequest: SECOND_CHANGE_REQUEST,
        grant: grantId,
      });
    const grantOf = async (id: string) => (await ledger.get(id)) as GrantRecord;
    /** The first request's grant made active now, as the check and grant makes it. */
    async function activeFirst(): Promise<GrantRecord> {
      assert.equal(await check(givenRequest()), ELIGIBLE_UNDER_WORKLOADS);
      const checked = await grantOf(RUNBOOK_ID);
      const granting = await ledger.transition(checked, {
        from: ["checked"],
        to: "granting",
        cause: "grant",
        note: "",
      });
      const startedAt = Date.now();
      return ledger.transition(granting, {
        from: ["granting"],
        to: "active",
        cause: "grant",
        note: "",
        set: { startedAt, endsAt: Math.ceil(startedAt / 1000) + granting.durationMinutes * 60 },
      });
    }

    it("records an eligible request: what the check verified, checked, holding the access", async () => {
      assert.equal(await check(givenRequest()), ELIGIBLE_UNDER_WORKLOADS);
      const g = await grantOf(RUNBOOK_ID);
      assert.deepEqual(
        {
          state: g.state,
          grantExecutionId: g.grantExecutionId,
          userName: g.userName,
          userId: g.userId,
          permissionSet: g.permissionSet,
          permissionSetArn: g.permissionSetArn,
          accountId: g.accountId,
          durationMinutes: g.durationMinutes,
          approvers: g.approvers,
        },
        {
          state: "checked",
          grantExecutionId: GRANT_ID,
          userName: "alice",
          userId: directory.get("alice")?.userId,
          permissionSet: "AWSAdministratorAccess",
          permissionSetArn: setArn("AWSAdministratorAccess"),
          accountId: WORKLOAD_ACCOUNT,
          durationMinutes: 120,
          approvers: ["bob"],
        },
      );
      assert.equal((await ledger.holderOf(g))?.requestId, RUNBOOK_ID);
    });

    it("records nothing for a request it rejects", async () => {
      await check(givenRequest({ Duration: "8" }));
      assert.equal(await ledger.get(RUNBOOK_ID), undefined);
    });

    it("answers a retried check of the same workflow as before: Eligible again, one grant", async () => {
      const event = givenRequest();
      await check(event);
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
      assert.equal((await grantOf(RUNBOOK_ID)).version, 1);
    });

    it("ignores the same request from another grant workflow: a repeat delivery grants nothing", async () => {
      await check(givenRequest());
      assert.equal(
        await check({ ...givenRequest(), GrantExecutionId: OTHER_GRANT_ID }),
        `Ignored: request ${RUNBOOK_ID} was recorded once already, by grant workflow ${GRANT_ID} (it is checked): a request is granted at most once`,
      );
      assert.equal((await grantOf(RUNBOOK_ID)).grantExecutionId, GRANT_ID);
    });

    it("ignores a replay of a request whose grant ended early, and lets the same access be asked for again", async () => {
      const active = await activeFirst();
      const ending = await ledger.transition(active, { from: ["active"], to: "ending", cause: "operator", note: "" });
      await ledger.transition(ending, { from: ["ending"], to: "ended", cause: "operator", note: "" });
      assert.match(
        await check({ ...givenRequest(), GrantExecutionId: THIRD_GRANT_ID }),
        new RegExp(`^Ignored: request ${RUNBOOK_ID} was recorded once already, .*\\(it is ended\\)`),
      );
      assert.equal(await check(secondRequest()), ELIGIBLE_UNDER_WORKLOADS);
      assert.equal((await grantOf(SECOND_RUNBOOK)).state, "checked");
    });

    it("rejects another request for the same access while a grant of it is under way", async () => {
      await check(givenRequest());
      assert.equal(
        await check(secondRequest()),
        `Rejected: another grant of AWSAdministratorAccess on account ${WORKLOAD_ACCOUNT} to alice is checked (request ${RUNBOOK_ID}): ask again once it has ended`,
      );
      assert.equal((await grantOf(SECOND_RUNBOOK)).state, "failed");
    });

    it("extends the active grant of the same access when the rules allow the new total, and moves its schedule", async () => {
      const active = await activeFirst();
      // The access is assigned (by the active grant): the ledger explains it, so it is not "held outside JIT".
      assignments = [
        {
          AccountId: WORKLOAD_ACCOUNT,
          PermissionSetArn: setArn("AWSAdministratorAccess"),
          PrincipalId: active.userId,
          PrincipalType: "USER",
        },
      ];
      assert.equal(await check(secondRequest({ Duration: "1" })), "Extended");
      const extended = await grantOf(RUNBOOK_ID);
      assert.equal(extended.state, "active");
      assert.equal(extended.endsAt, active.endsAt + 3600);
      assert.deepEqual(extended.extendedBy, [SECOND_RUNBOOK]);
      const merged = await grantOf(SECOND_RUNBOOK);
      assert.equal(merged.state, "merged");
      assert.equal(merged.extends, RUNBOOK_ID);
      assert.equal(
        scheduler.expressionOf(RUNBOOK_ID),
        `at(${new Date(extended.endsAt * 1000).toISOString().slice(0, 19)})`,
      );
      // The same check retried: Extended again, extended once.
      assert.equal(await check(secondRequest({ Duration: "1" })), "Extended");
      assert.equal((await grantOf(RUNBOOK_ID)).endsAt, active.endsAt + 3600);
    });

    it("refuses an extension over the rule's longest duration, naming it, and closes the request", async () => {
      const active = await activeFirst();
      assert.match(
        await check(secondRequest({ Duration: "3" })),
        /^Rejected: alice has 1(19|20) minutes left of AWSAdministratorAccess on account 777788889999; 180 more would make (299|300), over the 240 minutes the eligibility rules allow$/,
      );
      assert.equal((await grantOf(SECOND_RUNBOOK)).state, "failed");
      assert.equal((await grantOf(RUNBOOK_ID)).endsAt, active.endsAt);
      assert.equal(scheduler.schedules.size, 0);
    });

    it("answers Extended even when the schedule cannot be moved: the extension in the ledger stands", async () => {
      const active = await activeFirst();
      scheduler.mock.rejects(new Error("Scheduler is down"));
      assert.equal(await check(secondRequest({ Duration: "1" })), "Extended");
      assert.equal((await grantOf(RUNBOOK_ID)).endsAt, active.endsAt + 3600);
    });
  });

  describe("the eligibility rules", () => {
    it("rejects a request longer than the rule allows, naming the minutes", async () => {
      const event = givenRequest({ Duration: "8" });
      assert.equal(
        await check(event),
        `Rejected: 480 minutes is longer than the 240 minutes the eligibility rules allow alice for AWSAdministratorAccess on account ${WORKLOAD_ACCOUNT}`,
      );
    });

    it("rejects someone no rule admits", async () => {
      const event = givenRequest({ RequestingUser: "mallory" }, ssoSession(REQUEST_SET, "mallory"));
      assert.equal(
        await check(event),
        `Rejected: no eligibility rule lets mallory request AWSAdministratorAccess on account ${WORKLOAD_ACCOUNT}`,
      );
    });

    it("rejects an account outside the units the rule covers", async () => {
      const event = givenRequest({ AccountId: NETWORK_ACCOUNT });
      assert.equal(
        await check(event),
        `Rejected: no eligibility rule lets alice request AWSAdministratorAccess on account ${NETWORK_ACCOUNT}`,
      );
    });

    it("covers the solution's own accounts only where a rule names them, never through an organizational unit", async () => {
      // engineers-read-only covers the root, which holds the requester account too.
      const readOnly = { PermissionSet: "AWSReadOnlyAccess", AccountId: REQUESTER_ACCOUNT, Duration: "1" };
      const event = givenRequest(readOnly, ssoSession(NO_APPROVAL_SET, "alice"));
      givenChangeRequest({
        StepExecutions: [{ StepName: "Approve_Access_Request", Action: "aws:approve", StepStatus: "Success" }],
      });
      assert.equal(
        await check(event),
        `Rejected: no eligibility rule lets alice request AWSReadOnlyAccess on account ${REQUESTER_ACCOUNT} (an account of this solution: a rule must name it in accounts)`,
      );
    });

    it("lets an auto-approved read-only request through without approvals", async () => {
      const event = givenRequest(
        { PermissionSet: "AWSReadOnlyAccess", AccountId: NETWORK_ACCOUNT, Duration: "12" },
        ssoSession(NO_APPROVAL_SET, "alice"),
      );
      givenChangeRequest({
        StepExecutions: [{ StepName: "Approve_Access_Request", Action: "aws:approve", StepStatus: "Success" }],
      });
      assert.equal(await check(event), "Eligible");
    });

    it("refuses an approval step that succeeded with nothing to read, unless the requester could auto-approve", async () => {
      const event = givenRequest();
      givenChangeRequest({
        StepExecutions: [{ StepName: "Approve_Access_Request", Action: "aws:approve", StepStatus: "Success" }],
      });
      assert.equal(
        await check(event),
        "Rejected: the change request's approvals cannot be read (Approve_Access_Request succeeded with no ApproverDecisions)",
      );
    });

    it("reads an approval spelt Approve as one", async () => {
      const event = givenRequest();
      givenApprovals({ ...approved(ssoSession(APPROVE_SET, "bob")), Decision: "Approve" as "Approved" });
      assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    });

    it("admits a user a rule names, approved by anyone when the rule names no approver groups", async () => {
      const event = givenRequest({ PermissionSet: "NetworkAdministrator", AccountId: NETWORK_ACCOUNT });
      givenApprovals(approved(ssoSession(APPROVE_SET, "dave")));
      assert.equal(await check(event), "Eligible");
    });

    it("rejects a requester missing from the identity store", async () => {
      givenUsers({ bob: [JIT_APPROVERS] });
      assert.equal(await check(givenRequest()), "Rejected: alice is not a user of the identity store");
    });
  });

  describe("AWS errors are thrown, for the step to retry", () => {
    it("throws Organizations throttling rather than answering", async () => {
      const event = givenRequest();
      organizationsMock
        .on(ListParentsCommand)
        .rejects(new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} }));
      await assert.rejects(check(event), { name: "TooManyRequestsException" });
    });

    it("throws an SSM error other than an unknown execution", async () => {
      const event = givenRequest();
      ssmMock.on(GetAutomationExecutionCommand).rejects(new InternalServerError({ message: "boom", $metadata: {} }));
      await assert.rejects(check(event), { name: "InternalServerError" });
    });

    it("throws when AssumeRole returns no credentials", async () => {
      const event = givenRequest();
      stsMock.on(AssumeRoleCommand).resolves({});
      await assert.rejects(check(event), /AssumeRole returned no credentials/);
    });
  });
});

describe("checkAccessRequest: the request runbook's version", () => {
  useMocks();

  it("refuses a run of a version of the runbook other than its default one, in either form", async () => {
    runbookDefaultVersion = "2";
    const reason = `Rejected: the request runbook ${RUNBOOK_ID} ran version 1 of ${RUNBOOK}, not its default version 2: raise the request again`;
    assert.equal(await check(givenRequest()), reason);
    await freshLedger();
    assert.equal(await check(givenAutomationRun(), AUTOMATION), reason);
  });

  it("reads the default version with the reader role, and grants a run of it", async () => {
    runbookDefaultVersion = "7";
    const event = givenRequest();
    givenExecution(RUNBOOK_ID, { DocumentVersion: "7" });
    assert.equal(await check(event), ELIGIBLE_UNDER_WORKLOADS);
    assert.deepEqual(
      ssmMock.commandCalls(DescribeDocumentCommand).map((c) => c.args[0].input),
      [{ Name: RUNBOOK }],
    );
    assert.equal(credentialsUsed.length, 1, "one requester-account client, with the reader role's credentials");
  });

  it("refuses a run whose version AWS did not record", async () => {
    const event = givenRequest();
    givenExecution(RUNBOOK_ID, { DocumentVersion: undefined });
    assert.match(await check(event), /^Rejected: the request runbook \S+ ran an unrecorded version of /);
  });
});

/** The Automation form's settings; the workloads sets need two approvals there (two approval steps). */
const AUTOMATION: Partial<RequestCheckSettings> = {
  requestForm: "automation",
  rules: RULES.map((r) => (r.name === "engineers-workloads" ? { ...r, approvals: 2 } : r)),
  approvalsBySet: { ...SETTINGS.approvalsBySet, AWSAdministratorAccess: 2, AWSPowerUserAccess: 2 },
};

/** Approval step n of the Automation form's runbook, approved by `approver`. */
const approvalN = (n: number, approver: string, status: StepExecution["StepStatus"] = "Success"): StepExecution => ({
  ...approvalStep(JSON.stringify([approved(ssoSession(APPROVE_SET, approver))])),
  StepName: approvalStepName(n),
  StepStatus: status,
});

/**
 * The Automation form: `raisedBy` started the request runbook itself (no change request) with `changes` to the form;
 * its approval steps are `steps` (bob, then carol, by default).
 */
function givenAutomationRun(
  changes: Partial<Form> = {},
  steps = [approvalN(1, "bob"), approvalN(2, "carol")],
  raisedBy = ssoSession(REQUEST_SET, "alice"),
  parameters: Record<string, string[]> = {},
): CheckRequestEvent {
  const form = { ...FORM, ...changes };
  executions.set(RUNBOOK_ID, {
    AutomationExecutionId: RUNBOOK_ID,
    DocumentName: RUNBOOK,
    DocumentVersion: "1",
    AutomationExecutionStatus: "Success",
    ExecutionEndTime: new Date(Date.now() - 60_000),
    Mode: "Auto",
    ExecutedBy: raisedBy,
    Parameters: { ...parametersOf(form), ...parameters },
    StepExecutions: steps,
  });
  return { ...form, RequesterExecutionId: RUNBOOK_ID, GrantExecutionId: GRANT_ID };
}

describe("checkAccessRequest in the Automation form (the request runbook is the form)", () => {
  useMocks();
  beforeEach(() => givenUsers({ alice: [ENGINEERS], bob: [JIT_APPROVERS], carol: [JIT_APPROVERS], mallory: [] }));

  it("grants a run whose every approval step the set needs succeeded", async () => {
    assert.equal(await check(givenAutomationRun(), AUTOMATION), "Eligible");
  });

  it("refuses a run whose second approval step did not succeed, naming the step and its status", async () => {
    // carol's approval is recorded, but the step was cancelled: the runbook did not pass it.
    const steps = [approvalN(1, "bob"), approvalN(2, "carol", "Cancelled")];
    assert.equal(
      await check(givenAutomationRun({}, steps), AUTOMATION),
      "Rejected: the request runbook's approval (Approve_Access_Request_2) is Cancelled, not Success: AWSAdministratorAccess needs 2 approval step(s)",
    );
    await freshLedger();
    assert.match(
      await check(givenAutomationRun({}, [approvalN(1, "bob")]), AUTOMATION),
      /^Rejected: the request runbook's approval \(Approve_Access_Request_2\) is not recorded, not Success/,
    );
  });

  it("asks only the first approval step of a set that needs one, or none", async () => {
    const network = { PermissionSet: "NetworkAdministrator", AccountId: NETWORK_ACCOUNT };
    const event = givenAutomationRun(network, [approvalN(1, "bob")]);
    assert.equal(await check(event, AUTOMATION), "Eligible");
    await freshLedger();
    const readOnly = givenAutomationRun({ PermissionSet: "AWSReadOnlyAccess" }, [approvalN(1, "bob", "Failed")]);
    assert.match(await check(readOnly, AUTOMATION), /^Rejected: .*\(Approve_Access_Request\) is Failed, not Success: /);
  });

  it("lets only the no-approval set skip approval (AutoApprove)", async () => {
    const skip = { [AUTO_APPROVE_PARAMETER]: ["true"] };
    const noApproval = ssoSession(NO_APPROVAL_SET, "alice");
    const readOnly = { PermissionSet: "AWSReadOnlyAccess" };
    assert.equal(await check(givenAutomationRun(readOnly, [], noApproval, skip), AUTOMATION), "Eligible");
    await freshLedger();
    assert.equal(
      await check(givenAutomationRun(readOnly, [], ssoSession(REQUEST_SET, "alice"), skip), AUTOMATION),
      `Rejected: the request was raised to skip approval by alice signed in with ${REQUEST_SET}: only ${NO_APPROVAL_SET} may skip approval`,
    );
  });

  it("words its reasons for the request, not a change request the form does not have", async () => {
    const event = givenAutomationRun({}, undefined, ssoSession(REQUEST_SET, "mallory"));
    assert.equal(
      await check(event, AUTOMATION),
      "Rejected: the request was raised by mallory, not by alice, the user it asks access for",
    );
    await freshLedger();
    const forged = { ...givenAutomationRun(), Duration: "4" };
    assert.equal(
      await check(forged, AUTOMATION),
      "Rejected: the request's Duration differs from the one its request runbook was started with",
    );
    await freshLedger();
    impostorRoles.add(`AWSReservedSSO_${REQUEST_SET}_${SSO_ROLE_HASH[REQUEST_SET]}`);
    assert.match(await check(givenAutomationRun(), AUTOMATION), /^Rejected: the request was raised with the role /);
  });
});

describe("checkAccessRequest's answer and reason", () => {
  useMocks();

  /** The PutParameter calls that wrote reasons. */
  const reasonWrites = () =>
    ssmMock
      .commandCalls(PutParameterCommand)
      .map((c) => c.args[0].input)
      .filter((i) => String(i.Name).startsWith(REASON_PATH));

  it("answers exactly Eligible, Rejected or Ignored: a bare token, with no reason in it", async () => {
    assert.equal(await checkAccessRequest(givenRequest(), clients, SETTINGS), "Eligible");
    const repeat = { ...givenRequest(), GrantExecutionId: OTHER_GRANT_ID };
    assert.equal(await checkAccessRequest(repeat, clients, SETTINGS), "Ignored");
    await freshLedger();
    assert.equal(await checkAccessRequest(givenRequest({ Duration: "8" }), clients, SETTINGS), "Rejected");
    await freshLedger();
    assert.equal(await checkAccessRequest(givenRequest(), clients, SETTINGS), "Eligible");
  });

  it("writes the reason for a rejection to <checkReasonPath><GrantExecutionId>, a String it may overwrite", async () => {
    await checkAccessRequest(givenRequest({ Duration: "8" }), clients, SETTINGS);
    assert.deepEqual(reasonWrites(), [
      {
        Name: `${REASON_PATH}${GRANT_ID}`,
        Value: `480 minutes is longer than the 240 minutes the eligibility rules allow alice for AWSAdministratorAccess on account ${WORKLOAD_ACCOUNT}`,
        Type: "String",
        Overwrite: true,
      },
    ]);
  });

  it("writes the reason for ignoring a repeat the same way", async () => {
    await checkAccessRequest(givenRequest(), clients, SETTINGS);
    await checkAccessRequest({ ...givenRequest(), GrantExecutionId: OTHER_GRANT_ID }, clients, SETTINGS);
    assert.deepEqual(
      reasonWrites().map((w) => [w.Name, w.Value]),
      [
        [
          `${REASON_PATH}${OTHER_GRANT_ID}`,
          `request ${RUNBOOK_ID} was recorded once already, by grant workflow ${GRANT_ID} (it is checked): a request is granted at most once`,
        ],
      ],
    );
  });

  it("writes no reason for an eligible request", async () => {
    await checkAccessRequest(givenRequest(), clients, SETTINGS);
    assert.deepEqual(reasonWrites(), []);
  });

  it("writes no reason where the event names no valid grant workflow: there is nobody to write it for", async () => {
    const { GrantExecutionId: _, ...withoutGrant } = givenRequest();
    assert.equal(await checkAccessRequest(withoutGrant, clients, SETTINGS), "Rejected");
    assert.equal(
      await checkAccessRequest({ ...givenRequest(), GrantExecutionId: "../claims/x" }, clients, SETTINGS),
      "Rejected",
    );
    assert.deepEqual(reasonWrites(), []);
  });

  it("throws when the reason cannot be written, so the step retries rather than answering without one", async () => {
    const event = givenRequest({ Duration: "8" });
    ssmMock.on(PutParameterCommand).rejects(new InternalServerError({ message: "boom", $metadata: {} }));
    await assert.rejects(checkAccessRequest(event, clients, SETTINGS), { name: "InternalServerError" });
  });

  it("fits the reason to a feedback comment: at most 200 characters, cut with an ellipsis", async () => {
    const longRole = `arn:aws:sts::444455556666:assumed-role/${"a".repeat(64)}/${"b".repeat(64)}`;
    await check(givenRequest({}, longRole));
    const [{ Value: reason }] = reasonWrites();
    assert.equal(reason?.length, 200);
    assert.ok(reason?.startsWith(`the change request was raised by ${longRole.slice(0, 100)}`));
    assert.ok(reason?.endsWith("..."));
  });

  it('replaces quotes, backslashes and other unprintable characters in the reason with "?"', async () => {
    const typed = 'al"i\\ce\u00e9';
    const verdict = await check(givenRequest({ RequestingUser: typed }, ssoSession(REQUEST_SET, "mallory")));
    assert.equal(
      verdict,
      "Rejected: the change request was raised by mallory, not by al?i?ce?, the user it asks access for",
    );
  });
});

describe("requestCheckSettings", () => {
  it("reads the settings from the JSON in its environment variable", () => {
    assert.deepEqual(requestCheckSettings({ [REQUEST_CHECK_ENV]: JSON.stringify(SETTINGS) }), SETTINGS);
  });

  it("throws on a table name or end schedule settings that break their rule, naming the field", () => {
    const env = (over: object) => ({ [REQUEST_CHECK_ENV]: JSON.stringify({ ...SETTINGS, ...over }) });
    assert.throws(() => requestCheckSettings(env({ tableName: "a b" })), /JIT_REQUEST_CHECK\.tableName must be/);
    assert.throws(() => requestCheckSettings(env({ tableName: undefined })), /JIT_REQUEST_CHECK\.tableName must be/);
    assert.throws(
      () => requestCheckSettings(env({ schedule: { ...SETTINGS.schedule, roleArn: "role" } })),
      /JIT_REQUEST_CHECK\.schedule\.roleArn must be an IAM role ARN/,
    );
    assert.throws(() => requestCheckSettings(env({ schedule: undefined })), /JIT_REQUEST_CHECK\.schedule must be/);
  });

  it("throws when the environment variable is missing", () => {
    assert.throws(() => requestCheckSettings({}), /environment variable JIT_REQUEST_CHECK is required/);
  });

  it("throws when a setting is missing, naming it", () => {
    const { readerRoleArn: _, ...withoutReader } = SETTINGS;
    assert.throws(
      () => requestCheckSettings({ [REQUEST_CHECK_ENV]: JSON.stringify(withoutReader) }),
      /JIT_REQUEST_CHECK lacks readerRoleArn/,
    );
  });

  it("throws on approvalsBySet that does not map permission set names to whole numbers, naming the field", () => {
    const env = (approvalsBySet: unknown) => ({ [REQUEST_CHECK_ENV]: JSON.stringify({ ...SETTINGS, approvalsBySet }) });
    for (const wrong of [
      undefined,
      [],
      { AWSAdministratorAccess: -1 },
      { AWSAdministratorAccess: 1.5 },
      { "a b": 1 },
    ]) {
      assert.throws(
        () => requestCheckSettings(env(wrong)),
        /^Error: JIT_REQUEST_CHECK\.approvalsBySet must map each permission set name \(a permission set name: .*\) to a whole number of approvals, 0 or more$/,
        JSON.stringify(wrong),
      );
    }
  });

  it("throws when there are no eligibility rules", () => {
    for (const rules of [[], undefined, {}]) {
      assert.throws(
        () => requestCheckSettings({ [REQUEST_CHECK_ENV]: JSON.stringify({ ...SETTINGS, rules }) }),
        /JIT_REQUEST_CHECK has no eligibility rules/,
      );
    }
  });
});

describe("checkAndGrant: the check, then the grant of what it let through, in one invocation", () => {
  useMocks();
  const snsMock = mockClient(SNSClient);
  const GRANT_SETTINGS: CheckAndGrantSettings = {
    ...SETTINGS,
    announcement: {
      topicArn: "arn:aws:sns:eu-west-1:111111111111:idc-jit-dev-notifications",
      accountId: "111111111111",
      region: "eu-west-1",
    },
  };
  const sns = new SNSClient({ region: "eu-west-1" });
  const MINUTE = { getRemainingTimeInMillis: () => 60_000 };
  /** What reached AWS that matters here, in order: the announcement and the assignment. */
  let order: string[];
  beforeEach(() => {
    GRANT_SETTINGS.tableName = SETTINGS.tableName;
    // The grant workflow that asks, running in the management account.
    executions.set(GRANT_ID, { AutomationExecutionId: GRANT_ID, AutomationExecutionStatus: "InProgress" });
    order = [];
    snsMock.reset();
    snsMock.on(PublishCommand).callsFake(async () => {
      order.push("Publish");
      return { MessageId: "m-1" };
    });
    ssoAdminMock.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [] });
    ssoAdminMock.on(CreateAccountAssignmentCommand).callsFake(async () => {
      order.push("CreateAccountAssignment");
      return {
        AccountAssignmentCreationStatus: { RequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90", Status: "SUCCEEDED" },
      };
    });
  });
  const grant = (event: unknown) => checkAndGrant(event, { ...clients, sns }, GRANT_SETTINGS, MINUTE);

  it("announces the access, then assigns it, and answers Granted with the grant active", async () => {
    assert.equal(await grant(givenRequest()), "Granted");
    assert.deepEqual(order, ["Publish", "CreateAccountAssignment"]);
    const published = snsMock.commandCalls(PublishCommand)[0].args[0].input;
    assert.equal(published.Subject, `JIT access being assigned: ${FORM.PermissionSet} on ${FORM.AccountId}`);
    assert.deepEqual(published.MessageAttributes, {
      EventType: { DataType: "String", StringValue: "AccessBeingAssigned" },
    });
    assert.match(String(published.Message), new RegExp(`Automation execution ${GRANT_ID} in account 111111111111`));
    assert.equal((await ledger.get(RUNBOOK_ID))?.state, "active");
  });

  it("fails closed: an announcement that cannot be sent assigns nothing, and the retried step grants", async () => {
    snsMock.on(PublishCommand).rejects(Object.assign(new Error("SNS is down"), { name: "InternalErrorException" }));
    await assert.rejects(grant(givenRequest()), /SNS is down/);
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 0);
    assert.equal((await ledger.get(RUNBOOK_ID))?.state, "checked");
    snsMock.on(PublishCommand).callsFake(async () => {
      order.push("Publish");
      return { MessageId: "m-2" };
    });
    assert.equal(await grant(givenRequest()), "Granted");
    assert.deepEqual(order, ["Publish", "CreateAccountAssignment"]);
  });

  it("withdraws a grant whose workflow was stopped meanwhile: closed, nothing assigned, NotGranted", async () => {
    executions.set(GRANT_ID, { AutomationExecutionId: GRANT_ID, AutomationExecutionStatus: "Cancelling" });
    assert.equal(await grant(givenRequest()), "NotGranted");
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 0);
    const closed = await ledger.get(RUNBOOK_ID);
    assert.equal(closed?.state, "failed");
    assert.match(closed?.history.at(-1)?.note ?? "", /withdrawn before its access was asked for: .* is Cancelling/);
    // The access is free again for the next request.
    assert.equal(await ledger.holderOf(closed!), undefined);
  });

  it("a stop after an earlier attempt recorded the grant leaves it to the hand-over's end, which will find it", async () => {
    const event = givenRequest();
    // An earlier attempt recorded the grant, and may have asked for its assignment before it stopped.
    await check(event);
    executions.set(GRANT_ID, { AutomationExecutionId: GRANT_ID, AutomationExecutionStatus: "Cancelling" });
    assert.equal(await grant(event), "MayBeGranted", "what the earlier attempt asked for is not confirmed absent");
    assert.equal((await ledger.get(RUNBOOK_ID))?.state, "checked", "not closed: the end removes what may be there");
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 0);
  });

  it("a retried step of a request that extended the open grant answers Extended again, judging nothing", async () => {
    await freshLedger();
    GRANT_SETTINGS.tableName = SETTINGS.tableName;
    const first = givenRequest({}, undefined, {
      runbook: "8e4f2d3b-6c7f-4a91-8b2c-3d4e5f6a7b8c",
      changeRequest: "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
      grant: OTHER_GRANT_ID,
    });
    executions.set(OTHER_GRANT_ID, { AutomationExecutionId: OTHER_GRANT_ID, AutomationExecutionStatus: "InProgress" });
    assert.equal(await grant(first), "Granted");
    const event = givenRequest({ Duration: "1" });
    assert.equal(await grant(event), "Extended");
    givenExecution(RUNBOOK_ID, { ExecutionEndTime: new Date(Date.now() - 90 * 60_000) });
    assert.equal(await grant(event), "Extended");
    assert.equal(reasons.size, 0);
  });

  it("a retried step whose grant was asked for resumes it, without judging the request again", async () => {
    const event = givenRequest();
    assert.equal(await grant(event), "Granted");
    // The retry comes after the hour a request is granted in: judged again, it would be refused.
    givenExecution(RUNBOOK_ID, { ExecutionEndTime: new Date(Date.now() - 90 * 60_000) });
    assert.equal(await grant(event), "Granted");
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 1);
    assert.equal(reasons.size, 0, "no refusal was written");
  });

  it("a retried step of a grant workflow of the version that sent no unit resumes the grant it recorded", async () => {
    const event = givenRequest();
    assert.equal(await grant(event), "Granted");
    const { DurationUnit: _, ...sentByOlderWorkflow } = event;
    assert.equal(await grant(sentByOlderWorkflow), "Granted");
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 1);
    assert.equal(reasons.size, 0, "no refusal was written");
  });

  it("a retried step without a unit finishes the grant its first attempt recorded, for the minutes recorded then", async () => {
    const event = givenOlderRunbookRequest();
    // The first attempt (the check of the version before the unit) recorded the grant, then the step failed.
    await ledger.record({
      requestId: RUNBOOK_ID,
      grantExecutionId: GRANT_ID,
      userName: "alice",
      userId: directory.get("alice")?.userId as string,
      permissionSet: FORM.PermissionSet,
      permissionSetArn: setArn(FORM.PermissionSet),
      accountId: FORM.AccountId,
      durationMinutes: 120,
      approvers: ["bob"],
    });
    assert.equal(await grant({ ...event, DurationUnit: undefined }), "Granted");
    assert.equal((await ledger.get(RUNBOOK_ID))?.durationMinutes, 120);
    // Another workflow's request without a unit is not this one's grant: refused as before.
    await freshLedger();
    GRANT_SETTINGS.tableName = SETTINGS.tableName;
    reasons.clear();
    assert.equal(await grant({ ...event, DurationUnit: undefined }), "Rejected");
    assert.equal(reasons.get(`${REASON_PATH}${GRANT_ID}`), NO_UNIT);
  });

  it("a retried step whose recorded grant the check would now refuse fails, to be handed over, rather than refuse", async () => {
    const event = givenRequest();
    await check(event);
    givenExecution(RUNBOOK_ID, { ExecutionEndTime: new Date(Date.now() - 90 * 60_000) });
    await assert.rejects(
      grant(event),
      /the check now turns request .* away \(the request was sent 90 minutes ago.*\), but this grant workflow recorded its grant before \(checked\): it is handed over to be ended/,
    );
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 0);
  });

  it("announces nothing for a request it turns away", async () => {
    assert.equal(await grant(givenRequest({ Duration: "8" })), "Rejected");
    assert.equal(snsMock.commandCalls(PublishCommand).length, 0);
    assert.equal(ssoAdminMock.commandCalls(CreateAccountAssignmentCommand).length, 0);
  });

  it("counts an approver of a group too large to list by asking about that group alone", async () => {
    oversizedGroups.add(JIT_APPROVERS);
    assert.equal(await check(givenRequest()), ELIGIBLE_UNDER_WORKLOADS);
    const bob = directory.get("bob")?.userId;
    const asked = identityStoreMock
      .commandCalls(IsMemberInGroupsCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.MemberId?.UserId === bob);
    assert.deepEqual(
      asked.map((i) => i.GroupIds),
      [[JIT_APPROVERS]],
    );
    assert.equal(identityStoreMock.commandCalls(ListGroupMembershipsCommand).length, MEMBER_PAGES);
  });

  it("counts an approver from the approver groups' member lists, asking nothing more about them", async () => {
    assert.equal(await check(givenRequest()), ELIGIBLE_UNDER_WORKLOADS);
    const bob = directory.get("bob")?.userId;
    const asked = identityStoreMock.commandCalls(IsMemberInGroupsCommand).map((c) => c.args[0].input.MemberId?.UserId);
    assert.ok(!asked.includes(bob), "bob's groups come from the member lists");
  });
});
