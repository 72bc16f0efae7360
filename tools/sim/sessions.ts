/**
 * Open Identity Center sessions: whether a user's session in an account, opened with a permission set while the
 * user's assignment existed, may still act. Deleting the assignment does not end it; it lasts its set's session
 * duration unless the set's inline policy, as provisioned in that account, denies it. IAM Identity Center User Guide,
 * "Use a Deny policy to revoke active user permissions" (prereqs-revoking-user-permissions.html): a Deny on the user's
 * `identitystore:userId` in the set's inline policy, provisioned to the account, stops the user's active sessions;
 * IAM User Guide, "Revoke IAM role temporary security credentials": a Deny with `DateLessThan` on
 * `aws:TokenIssueTime` applies to the sessions issued before that time only.
 *
 * Only scenarios that ask about sessions load this (and the policy simulator with it): the fault sweep's other paths
 * never do.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { sessionMinutes } from "../../shared/accessWindow";
import type { PolicyDocument } from "../../shared/iam";
import type { SsoAdminFake } from "./services/ssoAdmin";

/** A session an Identity Center user opened in an account with a permission set. */
export interface OpenSession {
  /** The user's id in the identity store: `identitystore:userId`. */
  userId: string;
  /** The user's user name: the role session's name. */
  userName: string;
  accountId: string;
  permissionSetArn: string;
  /** Virtual time (ms) the session was opened (its credentials issued), while the assignment existed. */
  openedAt: number;
}

/** A request the session makes: an action on a resource. Any action does to ask whether a user-wide Deny cuts it. */
export interface SessionRequest {
  action: string;
  resource: string;
}

export const ANY_REQUEST: SessionRequest = { action: "s3:ListAllMyBuckets", resource: "*" };

/** Where a session stands at a time: it may act, its duration has passed, or the provisioned inline policy denies it. */
export type SessionStanding = "active" | "expired" | "denied";

/**
 * A session's standing at virtual time `at` (ms): expired once `openedAt` plus its set's SessionDuration has passed,
 * else denied if the set's inline policy as provisioned in the account explicitly denies `request`, else active.
 */
export async function sessionStanding(
  sso: SsoAdminFake,
  session: OpenSession,
  at: number,
  request: SessionRequest = ANY_REQUEST,
): Promise<SessionStanding> {
  const set = sso.permissionSetDetails(session.permissionSetArn);
  if (at >= session.openedAt + sessionMinutes(set.sessionDuration) * 60_000) return "expired";
  const policy = sso.provisionedInlinePolicy(session.accountId, session.permissionSetArn);
  if (policy === undefined) return "active";
  const decision = await decide(JSON.parse(policy) as PolicyDocument, session, set.name, at, request);
  return decision === "ExplicitlyDenied" ? "denied" : "active";
}

/** Whether the session may act at `at`: neither expired nor denied. */
export async function sessionMayAct(
  sso: SsoAdminFake,
  session: OpenSession,
  at: number,
  request: SessionRequest = ANY_REQUEST,
): Promise<boolean> {
  return (await sessionStanding(sso, session, at, request)) === "active";
}

/**
 * The inline policy's decision for the session's request. The session is the set's role in the account,
 * `AWSReservedSSO_<set name>_<unique suffix>` (IAM Identity Center User Guide, "Referencing permission sets in
 * resource policies", referencingpermissionsets.html), whose suffix AWS picks: the set's id stands in for it.
 */
async function decide(
  policy: PolicyDocument,
  session: OpenSession,
  setName: string,
  at: number,
  request: SessionRequest,
): Promise<string> {
  const suffix = session.permissionSetArn.slice(-16);
  const role = `AWSReservedSSO_${setName}_${suffix}`;
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${session.accountId}:assumed-role/${role}/${session.userName}`,
        action: request.action,
        resource: { resource: request.resource, accountId: session.accountId },
        contextVariables: {
          "identitystore:userId": session.userId,
          "aws:PrincipalAccount": session.accountId,
          "aws:TokenIssueTime": new Date(session.openedAt).toISOString(),
          "aws:CurrentTime": new Date(at).toISOString(),
        },
      },
      identityPolicies: [{ name: "inline", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(`the policy simulator rejected the session's request: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}
