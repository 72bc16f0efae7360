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
  /**
   * Service control policies attached to the caller's account, beside AWS's FullAWSAccess there and at the root (so
   * only their denials matter).
   */
  serviceControlPolicies?: PolicyDocument[];
}

/** The SCP AWS attaches everywhere by default, without which an organization allows nothing. */
const FULL_AWS_ACCESS: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

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
  return (await simulate(r)).overallResult as Decision;
}

/**
 * What the service control policies alone decide: where IAM refuses a request whatever the policies say (the
 * simulation's IAM rule for roles under /aws-reserved/), this still shows whether an SCP denies it.
 */
export async function decideByScps(r: Request): Promise<Decision> {
  const response = await simulate(r);
  const analysis = (response as { result?: { analysis?: { scpAnalysis?: { result?: string } } } }).result?.analysis;
  const result = analysis?.scpAnalysis?.result;
  if (result === undefined) throw new Error("the simulation gave no SCP analysis");
  return result as Decision;
}

async function simulate(r: Request) {
  const response = await runSimulation(
    {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: r.resourceAccount },
        contextVariables: { ...principalContext(r.principal), ...r.context },
      },
      identityPolicies: (r.identityPolicies ?? []).map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: r.serviceControlPolicies
        ? [
            { orgIdentifier: "r-root", policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] },
            {
              orgIdentifier: principalContext(r.principal)["aws:PrincipalAccount"] ?? r.resourceAccount,
              policies: [FULL_AWS_ACCESS, ...r.serviceControlPolicies].map((policy, i) => ({
                name: `scp-${i}`,
                policy,
              })),
            },
          ]
        : [],
      resourceControlPolicies: [],
      resourcePolicy: r.resourcePolicy,
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(`the simulator rejected the request: ${JSON.stringify(response.errors)}`);
  }
  return response;
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
