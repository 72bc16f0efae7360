/**
 * The deny that cuts one grant's open sessions, and its place in the permission set's inline policy.
 *
 * AWS documentation this module follows:
 * - IAM Identity Center, "Use a Deny policy to revoke active user permissions"
 *   (docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html): a Deny of * on * with
 *   `StringEquals {"identitystore:userId": <Identity Store user id>}` stops that user's active role sessions and no
 *   other user's of the set; `identitystore:userId` rather than `aws:userid` (which follows the user name or e-mail).
 * - "Revoke access for deleted users" (authconcept-revoke-access.html): the deny goes in the permission set's inline
 *   policy.
 * - IAM, "Revoke IAM role temporary security credentials" (IAM/latest/UserGuide/id_roles_use_revoke-sessions.html):
 *   `DateLessThan {"aws:TokenIssueTime": <time>}` limits a deny to sessions issued before that time.
 * - `aws:PrincipalAccount` = the account limits it to the role of that account: the user's other grants of the same
 *   set in other accounts keep their sessions.
 * - sso-admin model (PermissionSetPolicyDocument): an inline policy is 1 to 32768 characters, of
 *   `[\u0009\u000A\u000D\u0020-\u00FF]`; but Identity Center makes it the inline policy of the set's role in each
 *   account, and IAM limits a role's inline policies to 10,240 characters, white space not counted (IAM User Guide,
 *   "IAM and AWS STS quotas": role policy size): the tighter limit is the one kept.
 */

/** The statements the solution writes carry this Sid prefix (a Sid is alphanumeric); no other statement is touched. */
export const SID_PREFIX = "JitRevokedSessions";
/** IAM's role policy size (the inline policy becomes the role's): white space outside strings does not count. */
export const MAX_INLINE_POLICY = 10_240;
/** No session outlasts the longest permission set session duration, 12 hours: an older cutoff denies nothing. */
export const STALE_AFTER_MS = 12 * 3_600_000;

export interface Revocation {
  requestId: string;
  userId: string;
  accountId: string;
  /** Epoch seconds. */
  revokedAt: number;
}

type Statement = Record<string, unknown>;
interface Policy {
  Version?: unknown;
  Statement: Statement[];
}

export const revocationSid = (requestId: string) => `${SID_PREFIX}${requestId.replace(/-/g, "")}`;

/** The deny of one grant's sessions issued before its end. */
export function revocationStatement(r: Revocation): Statement {
  return {
    Sid: revocationSid(r.requestId),
    Effect: "Deny",
    Action: "*",
    Resource: "*",
    Condition: {
      StringEquals: { "identitystore:userId": r.userId, "aws:PrincipalAccount": r.accountId },
      // In whole seconds, as the IAM User Guide's examples write aws:TokenIssueTime.
      DateLessThan: { "aws:TokenIssueTime": new Date(r.revokedAt * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") },
    },
  };
}

/** The inline policy as Identity Center returned it (empty: none); unparsable is thrown, naming the set. */
export function parsePolicy(text: string | undefined, setArn: string): Policy {
  if (text === undefined || text.trim() === "") return { Version: "2012-10-17", Statement: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`the inline policy of ${setArn} is not JSON (${(err as Error).message}): it is left as it is`);
  }
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(parsed))
    throw new Error(`the inline policy of ${setArn} is not a policy document: it is left as it is`);
  const document = parsed as Record<string, unknown>;
  const { Version, Statement } = document;
  const statements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (!statements.every(isObject)) {
    throw new Error(`the inline policy of ${setArn} has a statement that is not an object: it is left as it is`);
  }
  // Whatever else the document holds (an Id, or no Version: its statements' "${...}" are then literal text) is kept.
  return { ...document, ...(Version !== undefined && { Version }), Statement: statements as Statement[] } as Policy;
}

const isOurs = (s: Statement) => typeof s.Sid === "string" && s.Sid.startsWith(SID_PREFIX);

/** The cutoff of one of the solution's statements, epoch milliseconds (NaN when it has none). */
function cutoffOf(s: Statement): number {
  const condition = s.Condition as { DateLessThan?: Record<string, unknown> } | undefined;
  return Date.parse(String(condition?.DateLessThan?.["aws:TokenIssueTime"]));
}

/** Whose sessions, where, one of the solution's statements denies: `userId accountId`. */
function targetOf(s: Statement): string {
  const equals = (s.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals;
  return `${String(equals?.["identitystore:userId"])} ${String(equals?.["aws:PrincipalAccount"])}`;
}

/** The text Identity Center takes: characters past U+00FF (its pattern's last) written as JSON escapes. */
const asIdentityCenterText = (json: string) =>
  json.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * The policy with the grant's deny: every statement not the solution's kept as it is, the solution's older than 12 hours
 * dropped, and one statement per user and account: a later cutoff denies every session an earlier one does, so the
 * grant's replaces the user's earlier ones in that account (a user who asks and ends again and again adds nothing), and
 * a later one already there makes it nothing to add. Over IAM's size: thrown, naming the set, nothing written.
 */
export function withRevocation(
  current: Policy,
  r: Revocation,
  setArn: string,
  now: number,
): { text: string; added: boolean } {
  const mine = revocationStatement(r);
  const target = targetOf(mine);
  const cutoff = cutoffOf(mine);
  const covering = current.Statement.find((s) => isOurs(s) && targetOf(s) === target && cutoffOf(s) >= cutoff);
  const kept = current.Statement.filter(
    (s) => !isOurs(s) || s === covering || (!(now - cutoffOf(s) > STALE_AFTER_MS) && targetOf(s) !== target),
  );
  const added = covering === undefined;
  const text = asIdentityCenterText(JSON.stringify({ ...current, Statement: added ? [...kept, mine] : kept }));
  if (text.length > MAX_INLINE_POLICY) {
    throw new Error(
      `the inline policy of ${setArn} would take ${text.length} characters with the deny of request ${r.requestId}, over the ${MAX_INLINE_POLICY} IAM allows a role's inline policy: nothing written`,
    );
  }
  return { text, added };
}
