/** The role sessions people and services act through in the simulated organization. */
import { createHash } from "node:crypto";
import type { Caller } from "./aws";

const hex = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** The role Identity Center creates in an account for a permission set: `AWSReservedSSO_<name>_<hash>`. */
export function reservedSsoRoleArn(account: string, region: string, permissionSetName: string): string {
  const suffix = hex(`${account}/${permissionSetName}`, 16);
  return `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${region}/AWSReservedSSO_${permissionSetName}_${suffix}`;
}

/** A user signed in through the AWS access portal with one permission set on one account. */
export function identityCenterSession(
  account: string,
  region: string,
  permissionSetName: string,
  userName: string,
): Caller {
  return { account, region, roleArn: reservedSsoRoleArn(account, region, permissionSetName), sessionName: userName };
}

/** The user name and permission set behind an Identity Center session, or undefined for any other session. */
export function identityCenterUser(caller: Caller): { userName: string; permissionSet: string } | undefined {
  const m = /:role\/aws-reserved\/sso\.amazonaws\.com\/(?:[a-z0-9-]+\/)?AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(
    caller.roleArn,
  );
  return m ? { userName: caller.sessionName, permissionSet: m[1] } : undefined;
}

/** A role's unique id (`AROA` + 17 characters), stable for a role ARN, for roles the plan does not give one. */
export function roleUniqueId(roleArn: string): string {
  return `AROA${hex(roleArn, 17).toUpperCase()}`;
}

/** A session of a role a service assumes (EventBridge for a rule's target, Lambda for a function). */
export function serviceSession(roleArn: string, sessionName: string, region: string): Caller {
  return { account: roleArn.split(":")[4], region, roleArn, sessionName };
}

/**
 * A service calling with its own service principal rather than a role (EventBridge invoking a function through the
 * function's resource policy). IAM has no role for it; the ARN only has to be recognisable in the records.
 */
export function servicePrincipal(service: string, account: string, region: string): Caller {
  return {
    account,
    region,
    roleArn: `arn:aws:iam::${account}:role/service-principal/${service}`,
    sessionName: service,
  };
}
