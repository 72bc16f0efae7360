/** Asks the IAM policy simulator (@cloud-copilot/iam-simulate) whether a request is allowed. */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../shared/iam";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface Request {
  /** The calling principal's ARN (a role ARN, or a service principal such as `ssm.amazonaws.com`). */
  principal: string;
  action: string;
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  /** The caller's identity policies (none for a service principal or a trust-policy check). */
  identityPolicies?: PolicyDocument[];
  resourcePolicy?: PolicyDocument;
  context?: Record<string, string | string[]>;
}

/**
 * The simulator's decision. It validates the request too (the action exists, the resource is of a type the action
 * takes, the context keys apply), and a request it rejects is a test failure, not a denial.
 */
/** The context keys AWS sets from an IAM principal, which the simulator leaves to the caller. */
function principalContext(principal: string): Record<string, string> {
  const arn = /^arn:[a-z-]+:iam::(\d{12}):role\//.exec(principal);
  return arn
    ? { "aws:PrincipalArn": principal, "aws:PrincipalAccount": arn[1], "aws:PrincipalType": "AssumedRole" }
    : {};
}

export async function decide(r: Request): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: r.resourceAccount },
        contextVariables: { ...principalContext(r.principal), ...r.context },
      },
      identityPolicies: (r.identityPolicies ?? []).map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: r.resourcePolicy,
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(`the simulator rejected the request: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult as Decision;
}

/** An identity policy that allows `actions` on `resources` (what the caller's own account grants it). */
export function allowing(actions: string[], resources: string | string[] = "*"): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: resources }] };
}

/** A resource policy that admits `principal` for `actions`: another resource's policy, taken as given. */
export function admitting(principal: string, actions: string[], resource: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: actions, Resource: resource }],
  };
}

/**
 * A role's calls, for the IAM tests: `action` on `resource` (in `account` unless another owner is given, with that
 * owner's resource policy if any), decided against the role's own policy, which `policy` reads once it is planned.
 */
export function actingAs(principal: string, policy: () => PolicyDocument, account: string) {
  return (
    action: string,
    resource: string,
    opts: { resourceAccount?: string; resourcePolicy?: PolicyDocument } = {},
  ): Promise<Decision> =>
    decide({
      principal,
      action,
      resource,
      resourceAccount: opts.resourceAccount ?? account,
      identityPolicies: [policy()],
      resourcePolicy: opts.resourcePolicy,
    });
}
