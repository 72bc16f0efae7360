/** Typed IAM policy documents, built as objects (never as JSON text). Values may be Pulumi Inputs. */
import type * as pulumi from "@pulumi/pulumi";

export type Condition = Record<string, Record<string, pulumi.Input<string | boolean | pulumi.Input<string>[]>>>;

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { AWS?: pulumi.Input<string> | pulumi.Input<string>[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

export function policy(...statements: (Statement | false | undefined)[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements.filter((s): s is Statement => Boolean(s)) };
}

export function allow(
  sid: string,
  actions: string[],
  resources: pulumi.Input<string> | pulumi.Input<string>[],
  condition?: Condition,
): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: resources,
    ...(condition && { Condition: condition }),
  };
}

/** A resource-policy statement: lets another account's principals, restricted by `condition`, act on the resource. */
export function allowAccount(
  sid: string,
  accountRootArn: string,
  actions: string[],
  resources: pulumi.Input<string> | pulumi.Input<string>[],
  condition: Condition,
): Statement {
  return { ...allow(sid, actions, resources, condition), Principal: { AWS: accountRootArn } };
}

/**
 * A trust policy for an AWS service. With a scope, only this account's use of the service (and, where known, only the
 * named resources) may assume the role, so another account's use of the service cannot (the confused-deputy guard).
 */
export function serviceTrust(
  service: string,
  scope?: { account: string; sourceArn?: pulumi.Input<string> | pulumi.Input<string>[] },
): PolicyDocument {
  const condition: Condition | undefined = scope && {
    StringEquals: { "aws:SourceAccount": scope.account },
    ...(scope.sourceArn && { ArnLike: { "aws:SourceArn": scope.sourceArn } }),
  };
  return policy({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    ...(condition && { Condition: condition }),
  });
}

/** Admits another account's principals only when they are one of the named roles, which need not exist yet. */
export function principalArnCondition(roleArns: pulumi.Input<string>[]): Condition {
  return { ArnEquals: { "aws:PrincipalArn": roleArns } };
}
