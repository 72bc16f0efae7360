/**
 * Who a resource policy lets in. Every principal an Allow statement names must be an account root or a role, by an
 * ARN with a concrete account id (a bare 12-digit account id means the account root); `"*"` is accepted only when an
 * aws:PrincipalArn or aws:PrincipalOrgID condition narrows it. The Principal element takes no partial wildcards, only
 * a lone "*" (IAM User Guide, AWS JSON policy elements: Principal, IAM/latest/UserGuide/reference_policies_elements_principal.html),
 * so an ARN with a wildcard account id is a mistake the policy rejects before AWS does. Where a caller allows them (a
 * topic policy), an AWS service principal is accepted only with the confused-deputy guard: aws:SourceAccount naming
 * concrete accounts, or aws:SourceArn naming resources of concrete accounts (IAM User Guide, The confused deputy
 * problem, confused-deputy.html).
 */
import type { ReportViolation } from "@pulumi/policy";
import { type ReadStatement, readStatements } from "./policyDocument";
import { about } from "./violation";

const ACCOUNT_ROOT = /^(arn:aws(-[a-z]+)*:iam::\d{12}:root|\d{12})$/;
const ROLE = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** A role or account root named in aws:PrincipalArn: the role name may be a pattern, the account id may not. */
const PRINCIPAL_ARN_VALUE = /^arn:aws(-[a-z]+)*:iam::\d{12}:(root|role\/[\w+=,.@/*?-]+)$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** The source conditions that keep a service principal to the named accounts' own resources. */
const SOURCE_KEYS: Record<string, RegExp> = {
  "aws:sourceaccount": /^\d{12}$/,
  "aws:sourcearn": /^arn:aws(-[a-z]+)*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/,
};

/** Operators under which a principal condition admits only the values it lists. */
const NARROWING_OPERATORS = new Set(["stringequals", "stringlike", "arnequals", "arnlike"]);
const NARROWING_KEYS: Record<string, { value: RegExp; meaning: string }> = {
  "aws:principalarn": { value: PRINCIPAL_ARN_VALUE, meaning: "a role or root of a named account" },
  "aws:principalorgid": { value: ORGANIZATION_ID, meaning: "one organization's id" },
};

/** The principal conditions of a statement, with the operator and key as written. */
function principalConditions(s: ReadStatement) {
  return Object.entries(s.condition).flatMap(([operator, keys]) =>
    Object.entries(keys)
      .filter(([key]) => key.toLowerCase() in NARROWING_KEYS)
      .map(([key, values]) => ({ operator, key, values })),
  );
}

function conditionProblems(s: ReadStatement): string[] {
  return principalConditions(s).flatMap(({ key, values }) => {
    const { value: pattern, meaning } = NARROWING_KEYS[key.toLowerCase()];
    return values
      .filter((value) => !pattern.test(value))
      .map((value) => `statement ${s.label} conditions ${key} on ${value}, which is not ${meaning}`);
  });
}

/** Whether a condition narrows `"*"` to named roles or one organization. */
const narrowed = (s: ReadStatement): boolean =>
  principalConditions(s).some(
    ({ operator, key, values }) =>
      NARROWING_OPERATORS.has(operator.toLowerCase()) &&
      values.length > 0 &&
      values.every((v) => NARROWING_KEYS[key.toLowerCase()].value.test(v)),
  );

/** Whether a condition keeps a service principal to resources of named accounts. */
const sourceNarrowed = (s: ReadStatement): boolean =>
  Object.entries(s.condition).some(
    ([operator, keys]) =>
      NARROWING_OPERATORS.has(operator.toLowerCase()) &&
      Object.entries(keys).some(([key, values]) => {
        const pattern = SOURCE_KEYS[key.toLowerCase()];
        return pattern !== undefined && values.length > 0 && values.every((v) => pattern.test(v));
      }),
  );

function principalValueProblem(s: ReadStatement, kind: string, value: string, services: boolean): string | undefined {
  if (kind === "Service" && services) {
    return sourceNarrowed(s)
      ? undefined
      : `statement ${s.label} allows the Service principal ${value} without an aws:SourceAccount or aws:SourceArn condition naming concrete accounts`;
  }
  if (kind !== "AWS") return `statement ${s.label} allows the ${kind} principal ${value}; only account roots and roles`;
  if (value === "*") {
    return narrowed(s)
      ? undefined
      : `statement ${s.label} allows Principal "*" without an aws:PrincipalArn or aws:PrincipalOrgID condition`;
  }
  if (ACCOUNT_ROOT.test(value) || ROLE.test(value)) return undefined;
  if (/^arn:[^:]*:iam::[^:]*[*?][^:]*:/.test(value)) {
    return `statement ${s.label} allows ${value}, whose account id is a wildcard`;
  }
  return `statement ${s.label} allows ${value}, which is not an account root or role ARN`;
}

/** What is wrong with who the policy's Allow statements let in. */
export function principalProblems(statements: ReadStatement[], services = false): string[] {
  return statements
    .filter((s) => s.effect === "Allow")
    .flatMap((s) => {
      if (s.hasNotPrincipal) return [`statement ${s.label} allows NotPrincipal, which is everyone else`];
      if (s.principal === undefined) return [`statement ${s.label} names no Principal`];
      const entries: [string, string[]][] = s.principal === "*" ? [["AWS", ["*"]]] : Object.entries(s.principal);
      const named = entries.flatMap(([kind, values]) => values.map((v) => principalValueProblem(s, kind, v, services)));
      return [...named.filter((p): p is string => p !== undefined), ...conditionProblems(s)];
    });
}

/** Reports what is wrong with who a policy document lets in, or that it cannot be read. */
export function checkPrincipals(
  policy: unknown,
  args: Parameters<typeof about>[0],
  reportViolation: ReportViolation,
  element = "policy",
  /** Whether AWS service principals may be let in, under the confused-deputy guard. */
  services = false,
): void {
  let problems: string[];
  try {
    problems = principalProblems(readStatements(policy), services);
  } catch (e) {
    problems = [`${element} ${(e as Error).message}`];
  }
  for (const problem of problems) reportViolation(about(args, problem));
}
