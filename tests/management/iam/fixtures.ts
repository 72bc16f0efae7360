/**
 * The example config's accounts, names and ARNs (Pulumi.management-dev.yaml), written out literally so the IAM tests
 * check what the stack declares against the names the design gives, not against the naming module that produced them.
 */
import type { Overrides } from "../../support/plan";

export const MANAGEMENT = "111122223333";
export const REQUESTER = "444455556666";
/** An account that is neither side of the deployment. */
export const OTHER_ACCOUNT = "777788889999";
export const REGION = "eu-west-1";

export const INSTANCE_ID = "ssoins-68047a3b2c1d9e0f";
export const INSTANCE_ARN = `arn:aws:sso:::instance/${INSTANCE_ID}`;
export const OTHER_INSTANCE_ID = "ssoins-0000aaaabbbbcccc";
export const IDENTITY_STORE_ID = "d-93671a2b3c";

export const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
export const busArn = (account: string, name: string) => `arn:aws:events:${REGION}:${account}:event-bus/${name}`;
export const ssmArn = (account: string, resource: string) => `arn:aws:ssm:${REGION}:${account}:${resource}`;
export const parameterArn = (name: string, account = MANAGEMENT) => ssmArn(account, `parameter${name}`);
export const logGroupArn = (name: string, account = MANAGEMENT) =>
  `arn:aws:logs:${REGION}:${account}:log-group:${name}`;
export const logStreamArn = (group: string, stream = "2025/01/01/[$LATEST]0123456789abcdef") =>
  `${logGroupArn(group)}:log-stream:${stream}`;
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${MANAGEMENT}:function:${name}`;
export const ruleArn = (bus: string | undefined, rule: string, account = MANAGEMENT) =>
  `arn:aws:events:${REGION}:${account}:rule/${bus ? `${bus}/` : ""}${rule}`;
export const automationExecutionArn = (account: string, id = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d") =>
  ssmArn(account, `automation-execution/${id}`);

/** Management-side names. */
export const REQUEST_BUS = busArn(MANAGEMENT, "idc-jit-dev-access-requests");
export const TOPIC = `arn:aws:sns:${REGION}:${MANAGEMENT}:idc-jit-dev-notifications`;
export const GRANT_WORKFLOW_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-grant-workflow");
export const ALERT_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-invalid-request-alert");
export const PERMISSION_SET_PATH = "/idc-jit/dev/permission-sets/";
export const CLOUDTRAIL_SUMMARY_FUNCTION = "idc-jit-dev-cloudtrail-summary";
export const PERMISSION_SET_SYNC_FUNCTION = "idc-jit-dev-permission-set-sync";
export const CLOUDTRAIL_LOG_GROUP = "aws-controltower/CloudTrailLogs";

/** Requester-side names the management side admits. */
export const REQUEST_ROLE = roleArn(REQUESTER, "idc-jit-dev-request");
export const REQUESTER_EVENTS_ROLE = roleArn(REQUESTER, "idc-jit-dev-requester-events");
export const REQUESTER_NOTIFICATIONS_ROLE = roleArn(REQUESTER, "idc-jit-dev-requester-notifications");
export const CHATBOT_REQUESTER_ROLE = roleArn(REQUESTER, "idc-jit-dev-chatbot-requester");
export const CHATBOT_APPROVER_ROLE = roleArn(REQUESTER, "idc-jit-dev-chatbot-approver");
/** The feedback bus earlier versions created in the requester account: nothing of the management side may put to it. */
export const LEGACY_FEEDBACK_BUS = busArn(REQUESTER, "idc-jit-dev-access-feedback");

/** The role Identity Center creates in the requester account for a user of permission set `set`. */
export const identityCenterUser = (set: string) =>
  roleArn(REQUESTER, `aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_${set}_0123456789abcdef`);

export { admitting, allowing } from "../../support/iam";

/** The management plan for a config variant, evaluated once per variant and shared by every test file. */
export { sharedManagementPlan as planFor } from "../../support/plan";

export const CHATBOT_USER_ROLES: Overrides = { "jit:chatbotUserRoles": true };
export const WITHOUT_CLOUDTRAIL_SUMMARY: Overrides = { "jit:cloudTrailSummary": { enabled: false } };

/** The request check the grant workflow runs first, and the requester-side role it reads requests with. */
export const REQUEST_CHECK_FUNCTION = "idc-jit-dev-request-check";
export const REQUEST_CHECK_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-request-check");
export const REQUEST_READER_ROLE = roleArn(REQUESTER, "idc-jit-dev-request-reader");
export const identityStoreArn = (id: string, account = MANAGEMENT) =>
  `arn:aws:identitystore::${account}:identitystore/${id}`;
/** An account or organizational unit of the organization the management account owns, as Organizations names it. */
export const ORGANIZATION_ID = "o-a1b2c3d4e5";
export const organizationAccountArn = (id: string, owner = MANAGEMENT, organization = ORGANIZATION_ID) =>
  `arn:aws:organizations::${owner}:account/${organization}/${id}`;
export const organizationalUnitArn = (ou: string, owner = MANAGEMENT, organization = ORGANIZATION_ID) =>
  `arn:aws:organizations::${owner}:ou/${organization}/${ou}`;

/** The grant ledger, the end schedules and the end-of-grant workflow (issue 14). */
export const GRANT_TABLE = `arn:aws:dynamodb:${REGION}:${MANAGEMENT}:table/idc-jit-dev-grant-ledger`;
export const OPEN_INDEX = `${GRANT_TABLE}/index/open-by-end`;
export const SCHEDULE_GROUP = "idc-jit-dev-grants";
export const scheduleArn = (name: string, group = SCHEDULE_GROUP, account = MANAGEMENT) =>
  `arn:aws:scheduler:${REGION}:${account}:schedule/${group}/${name}`;
export const SCHEDULER_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-end-schedule");
export const END_DOCUMENT = "idc-jit-dev-end-access";
export const END_WORKFLOW_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-end-access-workflow");
export const END_FUNCTION = "idc-jit-dev-end-access";
export const RECONCILER_FUNCTION = "idc-jit-dev-reconciler";
export const DEAD_LETTER_QUEUE = `arn:aws:sqs:${REGION}:${MANAGEMENT}:idc-jit-dev-end-dead-letters`;
