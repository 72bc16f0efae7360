/**
 * IAM's GetRole (`iam`), for the request check's question: is the role behind a session one IAM Identity Center
 * created? Identity Center's roles (`AWSReservedSSO_<permission set>_<hash>` under `/aws-reserved/sso.amazonaws.com/`)
 * exist only in the accounts a permission set is provisioned to: "When you assign a permission set, IAM Identity
 * Center creates corresponding IAM Identity Center-controlled IAM roles in each account" (IAM Identity Center User
 * Guide, "IAM roles created by IAM Identity Center"); other roles are the planned ones and any a scenario creates.
 * IAM authorization is not simulated here (tests/tools/sim/permissions.test.ts decides each call against the
 * caller's planned policy).
 */
import { type ApiInput, AwsError, type Caller, requireString, type ServiceFake, unsupported } from "../aws";
import { reservedSsoRoleArn } from "../identities";

export interface RoleDirectory {
  /** The permission sets Identity Center has provisioned to an account (and so made a role for there). */
  provisionedTo(account: string): string[];
}

export class IamFake implements ServiceFake {
  readonly service = "iam";
  /** ARNs of the roles other than Identity Center's. */
  private readonly roles = new Set<string>();

  constructor(private readonly directory: RoleDirectory) {}

  /** A role someone created, such as `arn:aws:iam::<account>:role/<path>/<name>`. */
  createRole(roleArn: string): void {
    this.roles.add(roleArn);
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (api !== "GetRole") return unsupported(this.service, api);
    const name = requireString(input, "RoleName", /^[\w+=,.@-]{1,64}$/);
    const arn = this.find(caller, name);
    if (!arn) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`);
    // The path is what lies between `role` and the name: `/` for a role made without one.
    const path = arn.slice(arn.indexOf(":role/") + ":role".length, arn.length - name.length);
    return { Role: { RoleName: name, Arn: arn, Path: path } };
  }

  private find(caller: Caller, name: string): string | undefined {
    const own = [...this.roles].find((arn) => arn.split(":")[4] === caller.account && arn.endsWith(`/${name}`));
    if (own) return own;
    return this.directory
      .provisionedTo(caller.account)
      .map((set) => reservedSsoRoleArn(caller.account, caller.region, set))
      .find((arn) => arn.endsWith(`/${name}`));
  }
}
