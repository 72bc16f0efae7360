/**
 * An IAM Identity Center user's role session, as STS names it (`ExecutedBy`, `GetCallerIdentity`, an approver's ARN):
 * `arn:<partition>:sts::<account>:assumed-role/AWSReservedSSO_<permission set>_<16 hex>/<user name>`. The request
 * check and the CLI read who acted from it.
 */

/** The Identity Center user a role session belongs to. */
export interface IdentityCenterSession {
  account: string;
  permissionSet: string;
  userName: string;
  /** The role's name, `AWSReservedSSO_<permission set>_<hash>`: a session ARN does not show the role's path. */
  roleName: string;
}

const SESSION = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/(AWSReservedSSO_(.+)_[0-9a-f]{16})\/([^/]+)$/;

/** The path IAM Identity Center creates its roles under; nobody else can create a role there. */
export const IDENTITY_CENTER_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/";

/** The Identity Center user behind a session ARN, or undefined for any other principal. */
export function identityCenterSession(arn: string): IdentityCenterSession | undefined {
  const m = SESSION.exec(arn);
  return m ? { account: m[1], roleName: m[2], permissionSet: m[3], userName: m[4] } : undefined;
}
