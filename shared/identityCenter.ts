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

const ROLE =
  /^arn:aws[a-z-]*:iam::(\d{12}):role\/aws-reserved\/sso\.amazonaws\.com\/(?:[a-z0-9-]+\/)?(AWSReservedSSO_(.+)_[0-9a-f]{16})$/;

/**
 * The Identity Center role behind an IAM role ARN (not a session: no user), or undefined for any other ARN. The ARN
 * shows the role's path, which only IAM Identity Center can create roles under.
 */
export function identityCenterRole(arn: string): Omit<IdentityCenterSession, "userName"> | undefined {
  const m = ROLE.exec(arn);
  return m ? { account: m[1], roleName: m[2], permissionSet: m[3] } : undefined;
}

/** The name IAM Identity Center gives the role of `permissionSet` in an account, as a regular expression. */
export function identityCenterRoleNameRegex(permissionSet: string): string {
  return `^AWSReservedSSO_${permissionSet.replace(/[.+]/g, (c) => `\\${c}`)}_[0-9a-f]{16}$`;
}

/** The permission set a regular expression of identityCenterRoleNameRegex names (the plan's mocks answer with it). */
export function permissionSetOfRoleNameRegex(regex: string): string | undefined {
  const m = /^\^AWSReservedSSO_(.+)_\[0-9a-f\]\{16\}\$$/.exec(regex);
  return m?.[1].replace(/\\([.+])/g, "$1");
}

/** A role ARN without its path: `arn:...:role/<name>`. */
export function roleArnWithoutPath(arn: string): string {
  return arn.replace(/:role\/(?:.*\/)?([^/]+)$/, ":role/$1");
}
