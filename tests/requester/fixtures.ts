/**
 * The requester side's example config (Pulumi.requester-dev.yaml) and its variants, with the accounts, names and ARNs
 * they give written out literally, so the tests check what the stack declares against the names the design gives,
 * not against the naming module that produced them.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import type { Overrides } from "../support/plan";
import { oneRule } from "../support/variants";

export const MANAGEMENT = "111122223333";
export const REQUESTER = "444455556666";
/** An account that is neither side of the deployment. */
export const OTHER_ACCOUNT = "777788889999";
export const REGION = "eu-west-1";
export const OTHER_REGION = "us-east-1";
export const APPROVER_GROUP_ID = "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";

export const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
export const busArn = (account: string, name: string, region = REGION) =>
  `arn:aws:events:${region}:${account}:event-bus/${name}`;
export const ssmArn = (account: string, resource: string, region = REGION) =>
  `arn:aws:ssm:${region}:${account}:${resource}`;
export const ruleArn = (bus: string | undefined, rule: string, account = REQUESTER) =>
  `arn:aws:events:${REGION}:${account}:rule/${bus ? `${bus}/` : ""}${rule}`;
export const topicArn = (account: string, name: string) => `arn:aws:sns:${REGION}:${account}:${name}`;
export const automationExecutionArn = (
  account = REQUESTER,
  id = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
  region = REGION,
) => ssmArn(account, `automation-execution/${id}`, region);
/** The ARN EventBridge starts a document by, and IAM authorizes StartAutomationExecution on. */
export const automationDefinitionArn = (document: string, version = "$LATEST", account = REQUESTER) =>
  ssmArn(account, `automation-definition/${document}:${version}`);
export const documentArn = (document: string, account = REQUESTER) => ssmArn(account, `document/${document}`);

/** Requester-side names. */
export const CHANGE_TEMPLATE = "idc-jit-dev-access-request";
export const REQUEST_RUNBOOK = "idc-jit-dev-request-access";
export const NOTIFICATION_DOCUMENT = "idc-jit-dev-request-notification";
/** The feedback bus earlier versions created here (its document and rule had the same name): gone now. */
export const FEEDBACK_BUS_NAME = "idc-jit-dev-access-feedback";
export const FORWARD_RULE = "idc-jit-dev-invalid-request-forward";
export const NOTIFICATION_RULES = {
  RequestCreated: "idc-jit-dev-request-created",
  RequestApproved: "idc-jit-dev-request-approved",
  RequestRejected: "idc-jit-dev-request-rejected",
  RequestCancelled: "idc-jit-dev-request-cancelled",
} as const;
export const REQUEST_ROLE_NAME = "idc-jit-dev-request";
export const EVENTS_ROLE_NAME = "idc-jit-dev-requester-events";
export const NOTIFICATION_ROLE_NAME = "idc-jit-dev-requester-notifications";
export const CHATBOT_REQUESTER_ROLE_NAME = "idc-jit-dev-chatbot-requester";
export const CHATBOT_APPROVER_ROLE_NAME = "idc-jit-dev-chatbot-approver";
export const REQUEST_ROLE = roleArn(REQUESTER, REQUEST_ROLE_NAME);
export const EVENTS_ROLE = roleArn(REQUESTER, EVENTS_ROLE_NAME);
export const NOTIFICATION_ROLE = roleArn(REQUESTER, NOTIFICATION_ROLE_NAME);
export const CHATBOT_REQUESTER_ROLE = roleArn(REQUESTER, CHATBOT_REQUESTER_ROLE_NAME);
export const CHATBOT_APPROVER_ROLE = roleArn(REQUESTER, CHATBOT_APPROVER_ROLE_NAME);
export const LEGACY_FEEDBACK_BUS = busArn(REQUESTER, FEEDBACK_BUS_NAME);

/** Management-side names. */
export const REQUEST_BUS = busArn(MANAGEMENT, "idc-jit-dev-access-requests");
export const TOPIC = topicArn(MANAGEMENT, "idc-jit-dev-notifications");
export const GRANT_WORKFLOW_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-grant-workflow");
export const GRANT_DOCUMENT = "idc-jit-dev-grant-access";

/** The form's fields, in the order the runbook declares them. */
export const FORM_FIELDS = [
  "AccountId",
  "PermissionSet",
  "Duration",
  "DurationUnit",
  "RequestingUser",
  "Justification",
] as const;

export const TAGS = { Solution: "identity-center-jit", Environment: "dev", Side: "requester", ManagedBy: "pulumi" };

export const TEAMS_TEAM_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
export const TEAMS_TENANT_ID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
export const TEAMS_CHANNEL_ID = "19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2";
export const TEAMS_APPROVER_CHANNEL_ID = "19%3a0123456789abcdef0123456789abcdef%40thread.tacv2";

export { CHAT_MANAGEMENT, SLACK_CHAT, TEAMS_CHAT } from "../support/variants";

/** Chat-only mode on Microsoft Teams, with a separate approver channel. */
export const TEAMS_CHAT_WITH_APPROVER_CHANNEL: Overrides = {
  "jit:approvalMode": "chatOnly",
  "jit:approverGroupId": undefined,
  "jit:chat": {
    platform: "teams",
    workspaceId: TEAMS_TEAM_ID,
    tenantId: TEAMS_TENANT_ID,
    requesterChannel: { id: TEAMS_CHANNEL_ID },
    approverChannel: { id: TEAMS_APPROVER_CHANNEL_ID, auth: "userRole" },
  },
};

export const WITHOUT_SERVICE_LINKED_ROLES: Overrides = {
  "jit:serviceLinkedRoles": { ssm: false, changeManager: false },
};
export const ONLY_CHANGE_MANAGER_SERVICE_LINKED_ROLE: Overrides = { "jit:serviceLinkedRoles": { ssm: false } };
export const WITHOUT_AUTO_APPROVAL: Overrides = { "jit:autoApprovable": false, "jit:approvalsRequired": 2 };

/** A management stack that offers one permission set for at most 4 hours. */
export const NARROW_MANAGEMENT: Overrides = oneRule(["AWSReadOnlyAccess"], "4h");

export {
  sharedManagementPlan as managementPlanFor,
  sharedRequesterPlan as requesterPlanFor,
} from "../support/plan";

export interface RejectedEvaluation {
  outcome: "rejected" | "resolved" | "hung";
  message?: string;
  issues?: { key: string; rule: string }[];
}

/**
 * Evaluates the requester stack in a child process, for configs the evaluation must reject. The consistency check
 * with the management stack fails before any resource is declared, but the Pulumi runtime also reports the failed
 * program as unhandled rejections; a process of its own keeps them away from the other evaluations.
 */
export function evaluateRejected(overrides: Overrides): Promise<RejectedEvaluation> {
  const root = path.resolve(__dirname, "../..");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        path.join(__dirname, "support", "evaluateRejected.ts"),
        // undefined (remove the key) does not survive JSON; null means the same to configWith.
        JSON.stringify(overrides, (_key, value) => (value === undefined ? null : value)),
      ],
      { cwd: root, env: { ...process.env, TS_NODE_PROJECT: path.join(root, "tsconfig.json") }, timeout: 180_000 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(line) as RejectedEvaluation);
        } catch {
          reject(new Error(`the child evaluation printed no result (${error?.message ?? ""}): ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

export { admitting, allowing } from "../support/iam";
