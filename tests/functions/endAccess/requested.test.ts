import assert from "node:assert/strict";
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import { REQUESTED, readEndEvent } from "../../../functions/endAccess";
import {
  type EndRequestSettings,
  readEndRequestSettings,
  resolveEndRequest,
} from "../../../functions/endAccess/requested";
import type { GrantRecord } from "../../../shared/grantLedger";

const REQUESTER_ACCOUNT = "444455556666";
const REQUEST_ID = "11111111-2222-3333-4444-555555555555";
const END_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const CHANGE_REQUEST_ID = "cccccccc-cccc-cccc-cccc-cccccccccccc";

const SETTINGS: EndRequestSettings = {
  requesterAccountId: REQUESTER_ACCOUNT,
  readerRoleArn: `arn:aws:iam::${REQUESTER_ACCOUNT}:role/idc-jit-dev-request-reader`,
  changeTemplateName: "idc-jit-dev-access-request",
  requestForm: "changeManager",
  runbookName: "idc-jit-dev-request-access",
  endAccessDocumentName: "idc-jit-dev-end-access",
  requestPermissionSets: ["RequestAWSAccountAccess", "RequestAccountAccessNoApproval"],
  approvePermissionSet: "ApproveAWSAccountAccess",
  chatApproverRoleName: "idc-jit-dev-chatbot-approver",
  approverGroups: ["group-approvers"],
  identityStoreId: "d-93671a2b3c",
};

const session = (set: string, user: string) =>
  `arn:aws:sts::${REQUESTER_ACCOUNT}:assumed-role/AWSReservedSSO_${set}_0123456789abcdef/${user}`;

const GRANT = { requestId: REQUEST_ID, userName: "alice", state: "active" } as GrantRecord;

/** The requester account as the reader role sees it: executions by id, and roles by name (with their path). */
function requesterAccount(
  executions: AutomationExecution[],
  children: AutomationExecution[] = [],
  approverGroupMembers: string[] = ["bob"],
) {
  const roles = new Map<string, string>();
  const calls: string[] = [];
  const clients = {
    sts: {
      send: async (command: object) => {
        calls.push(command.constructor.name);
        return { Credentials: { AccessKeyId: "a", SecretAccessKey: "s", SessionToken: "t" } };
      },
    },
    requesterSsm: () => ({
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        calls.push(command.constructor.name);
        if (command.constructor.name === "DescribeAutomationExecutionsCommand") {
          return { AutomationExecutionMetadataList: children };
        }
        const found = executions.find((x) => x.AutomationExecutionId === command.input.AutomationExecutionId);
        if (!found) throw Object.assign(new Error("not found"), { name: "AutomationExecutionNotFoundException" });
        return { AutomationExecution: found };
      },
    }),
    identityStore: {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        if (command.constructor.name === "GetUserIdCommand") {
          const name = (command.input.AlternateIdentifier as { UniqueAttribute: { AttributeValue: string } })
            .UniqueAttribute.AttributeValue;
          return { UserId: `id-${name}` };
        }
        const userId = (command.input.MemberId as { UserId: string }).UserId;
        const member = approverGroupMembers.map((m) => `id-${m}`).includes(userId);
        return {
          Results: (command.input.GroupIds as string[]).map((GroupId) => ({ GroupId, MembershipExists: member })),
        };
      },
    },
    requesterIam: () => ({
      send: async (command: { input: { RoleName: string } }) => {
        const path = roles.get(command.input.RoleName);
        if (!path) throw Object.assign(new Error("no role"), { name: "NoSuchEntity" });
        return { Role: { Path: path } };
      },
    }),
  };
  for (const set of [...SETTINGS.requestPermissionSets, SETTINGS.approvePermissionSet]) {
    roles.set(`AWSReservedSSO_${set}_0123456789abcdef`, "/aws-reserved/sso.amazonaws.com/eu-west-1/");
  }
  return { clients: clients as never, calls, roles };
}

const endExecution = (by: string, over: Partial<AutomationExecution> = {}): AutomationExecution => ({
  AutomationExecutionId: END_ID,
  DocumentName: SETTINGS.endAccessDocumentName,
  ExecutedBy: by,
  Parameters: { RequestId: [REQUEST_ID], Reason: ["INC-4711 resolved, done early"] },
  ...over,
});

/** The ledger's grant for an id: `grant`, or none (null). */
const grantOf = (grant: GrantRecord | null) => async (id: string) =>
  grant && id === grant.requestId ? grant : undefined;

describe("the end function's reading of who asked for an early end", () => {
  describe("an end-access execution", () => {
    const resolve = (x: AutomationExecution, grant: GrantRecord | null = GRANT) => {
      const { clients } = requesterAccount([x]);
      return resolveEndRequest(REQUEST_ID, { endExecutionId: END_ID }, clients, SETTINGS, grantOf(grant));
    };

    it("started by the grant's own user ends it as the requester, naming them, the execution and the reason", async () => {
      const resolved = await resolve(endExecution(session("RequestAWSAccountAccess", "alice")));
      assert.equal(resolved.kind, "end");
      assert.ok(resolved.kind === "end");
      assert.equal(resolved.cause, "requester");
      assert.equal(resolved.requestId, REQUEST_ID);
      assert.match(resolved.note, /alice.*aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.*INC-4711/);
    });

    it("started by a user whose name differs from the grant's only in case does not end it as the requester", async () => {
      const resolved = await resolve(endExecution(session("RequestAWSAccountAccess", "Alice")));
      assert.ok(resolved.kind !== "end" || resolved.cause !== "requester", JSON.stringify(resolved));
    });

    it("started by someone else with the approve set ends it as an approver", async () => {
      const resolved = await resolve(endExecution(session("ApproveAWSAccountAccess", "bob")));
      assert.equal(resolved.kind === "end" && resolved.cause, "approver");
    });

    it("started by an approve-set user outside the approver groups the rules name is refused", async () => {
      const x = endExecution(session("ApproveAWSAccountAccess", "carol"));
      const { clients } = requesterAccount([x], [], ["bob"]);
      const resolved = await resolveEndRequest(
        REQUEST_ID,
        { endExecutionId: END_ID },
        clients,
        SETTINGS,
        grantOf(GRANT),
      );
      assert.match(resolved.kind === "refused" ? resolved.reason : "", /carol.*not a member of the approver groups/);
      const anyApprover = await resolveEndRequest(
        REQUEST_ID,
        { endExecutionId: END_ID },
        clients,
        { ...SETTINGS, approverGroups: [] },
        grantOf(GRANT),
      );
      assert.equal(anyApprover.kind === "end" && anyApprover.cause, "approver");
    });

    it("started with the approver chat channel's role ends it as an approver", async () => {
      const chat = `arn:aws:sts::${REQUESTER_ACCOUNT}:assumed-role/idc-jit-dev-chatbot-approver/slack-session`;
      const resolved = await resolve(endExecution(chat));
      assert.equal(resolved.kind === "end" && resolved.cause, "approver");
    });

    it("is refused, naming who asked and why, for anyone else", async () => {
      const cases: [AutomationExecution, RegExp][] = [
        [endExecution(session("RequestAWSAccountAccess", "mallory")), /mallory.*only alice.*or an approver/],
        [endExecution(`arn:aws:sts::${REQUESTER_ACCOUNT}:assumed-role/Admin/eve`), /started by .*Admin\/eve/],
        [
          endExecution(session("RequestAWSAccountAccess", "alice").replace(REQUESTER_ACCOUNT, "999999999999")),
          /not an IAM Identity Center user/,
        ],
        [endExecution(session("ApproveAWSAccountAccess", "bob"), { DocumentName: "other" }), /run of other/],
        [
          endExecution(session("RequestAWSAccountAccess", "alice"), {
            Parameters: { RequestId: ["99999999-2222-3333-4444-555555555555"], Reason: ["whatever reason"] },
          }),
          /started for request 99999999/,
        ],
      ];
      for (const [x, why] of cases) {
        const resolved = await resolve(x);
        assert.equal(resolved.kind, "refused", String(x.ExecutedBy));
        assert.match(resolved.kind === "refused" ? resolved.reason : "", why);
      }
    });

    it("is refused when the session's role is not the one Identity Center made (an impostor role of that name)", async () => {
      const x = endExecution(session("RequestAWSAccountAccess", "alice"));
      const { clients, roles } = requesterAccount([x]);
      roles.set("AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef", "/");
      const resolved = await resolveEndRequest(
        REQUEST_ID,
        { endExecutionId: END_ID },
        clients,
        SETTINGS,
        grantOf(GRANT),
      );
      assert.match(resolved.kind === "refused" ? resolved.reason : "", /IAM Identity Center did not create/);
    });

    it("is refused when the execution does not exist, or the request has no grant", async () => {
      const { clients } = requesterAccount([]);
      const missing = await resolveEndRequest(
        REQUEST_ID,
        { endExecutionId: END_ID },
        clients,
        SETTINGS,
        grantOf(GRANT),
      );
      assert.equal(missing.kind, "refused");
      const noGrant = await resolve(endExecution(session("RequestAWSAccountAccess", "alice")), null);
      assert.match(noGrant.kind === "refused" ? noGrant.reason : "", /has no grant/);
    });
  });

  describe("a change request that ended", () => {
    const changeRequest = (
      status: AutomationExecution["AutomationExecutionStatus"],
      over: Partial<AutomationExecution> = {},
    ): AutomationExecution => ({
      AutomationExecutionId: CHANGE_REQUEST_ID,
      AutomationSubtype: "ChangeRequest",
      DocumentName: SETTINGS.changeTemplateName,
      AutomationExecutionStatus: status,
      ExecutedBy: session("RequestAWSAccountAccess", "alice"),
      ...over,
    });
    const runbook = { AutomationExecutionId: REQUEST_ID, DocumentName: SETTINGS.runbookName };
    const resolve = (x: AutomationExecution, children = [runbook], grant: GrantRecord | null = GRANT) => {
      const { clients, calls } = requesterAccount([x], children);
      return {
        calls,
        resolved: resolveEndRequest(
          CHANGE_REQUEST_ID,
          { changeRequestId: CHANGE_REQUEST_ID },
          clients,
          SETTINGS,
          grantOf(grant),
        ),
      };
    };

    it("ends its runbook's grant as changeRequest when it was cancelled, rejected, failed or timed out", async () => {
      for (const status of ["Cancelled", "Rejected", "Failed", "TimedOut"] as const) {
        const resolved = await resolve(changeRequest(status)).resolved;
        assert.equal(resolved.kind === "end" && resolved.cause, "changeRequest", status);
        assert.equal(resolved.kind === "end" && resolved.requestId, REQUEST_ID, status);
      }
    });

    it("ends its grant once the change request is Cancelling: a stop asked for is an end asked for", async () => {
      const resolved = await resolve(changeRequest("Cancelling")).resolved;
      assert.equal(resolved.kind === "end" && resolved.cause, "changeRequest");
      assert.match(resolved.kind === "end" ? resolved.note : "", /ended Cancelling$/);
    });

    it("is refused while the change request is still live", async () => {
      const resolved = await resolve(changeRequest("InProgress")).resolved;
      assert.match(resolved.kind === "refused" ? resolved.reason : "", /is InProgress/);
    });

    it("has nothing to end for another document's execution, a change request that ran no runbook, or no grant", async () => {
      const other = await resolve(changeRequest("Cancelled", { DocumentName: "other-template" })).resolved;
      assert.equal(other.kind, "nothing");
      const noRunbook = await resolve(changeRequest("Rejected"), []).resolved;
      assert.equal(noRunbook.kind, "nothing");
      const noGrant = await resolve(changeRequest("Cancelled"), [runbook], null).resolved;
      assert.equal(noGrant.kind, "nothing");
    });
  });

  describe("settings", () => {
    it("are read with an error naming the field and its rule", () => {
      assert.deepEqual(readEndRequestSettings(SETTINGS, "X.endRequests"), SETTINGS);
      assert.throws(
        () => readEndRequestSettings({ ...SETTINGS, requesterAccountId: "12" }, "X.endRequests"),
        /X\.endRequests\.requesterAccountId must be an AWS account id/,
      );
      assert.throws(
        () => readEndRequestSettings({ ...SETTINGS, requestPermissionSets: [] }, "X.endRequests"),
        /X\.endRequests\.requestPermissionSets must be a non-empty list/,
      );
      assert.throws(() => readEndRequestSettings({ ...SETTINGS, runbookName: 3 }, "X.endRequests"), /runbookName/);
    });
  });

  describe("the workflow's event", () => {
    it("takes Cause requested with exactly one of EndRequestExecutionId and ChangeRequestId", () => {
      assert.deepEqual(readEndEvent({ RequestId: REQUEST_ID, Cause: REQUESTED, EndRequestExecutionId: END_ID }), {
        RequestId: REQUEST_ID,
        Cause: REQUESTED,
        EndRequestExecutionId: END_ID,
      });
      const cr = { RequestId: CHANGE_REQUEST_ID, Cause: REQUESTED, ChangeRequestId: CHANGE_REQUEST_ID };
      assert.deepEqual(readEndEvent({ ...cr, EndRequestExecutionId: "" }), cr);
      assert.throws(() => readEndEvent({ RequestId: REQUEST_ID, Cause: REQUESTED }), /exactly one/);
      assert.throws(
        () => readEndEvent({ RequestId: REQUEST_ID, Cause: "schedule", EndRequestExecutionId: END_ID }),
        /Cause requested, and only it/,
      );
      assert.throws(
        () => readEndEvent({ RequestId: REQUEST_ID, Cause: REQUESTED, ChangeRequestId: CHANGE_REQUEST_ID }),
        /ChangeRequestId must be the RequestId/,
      );
      assert.throws(
        () => readEndEvent({ RequestId: REQUEST_ID, Cause: REQUESTED, EndRequestExecutionId: "nope" }),
        /EndRequestExecutionId must be/,
      );
    });
  });
});
