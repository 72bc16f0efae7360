/**
 * Which reading of each AWS behaviour the simulator could not confirm (tools/sim/variants.ts) the records of a real
 * request show, each decided from one record with the evidence named. A dimension the records cannot decide has no
 * reading, and says what would decide it.
 */
import type { AutomationExecution, StepExecution } from "@aws-sdk/client-ssm";
import type { AwsBehaviour } from "../../sim/variants";

export type Dimension = keyof AwsBehaviour;

/** What the self-test found out about one dimension. */
export interface Finding<D extends Dimension = Dimension> {
  dimension: D;
  /** The reading the records show; undefined when they cannot tell. */
  reading?: AwsBehaviour[D];
  /** What in the records shows it, or why they cannot tell. */
  evidence: string;
  /** When there is no reading: what would decide it, and how. */
  needs?: string;
}

/** Readings under which the workflows fail closed: no request of that kind can be granted on this AWS. */
export const FAILS_CLOSED: { [D in Dimension]?: { reading: AwsBehaviour[D]; consequence: string } } = {
  approverIdentity: {
    reading: "role-arn",
    consequence:
      "approvals cannot be told apart by person, so every request that needs an approval is refused (auto-approved requests still work)",
  },
  runbookParentLink: {
    reading: "absent",
    consequence: "the request check cannot find a runbook's change request, so every Change Manager request is refused",
  },
};

export function failsClosed(finding: Finding): string | undefined {
  const rule = FAILS_CLOSED[finding.dimension] as { reading: string; consequence: string } | undefined;
  return rule && finding.reading === rule.reading ? rule.consequence : undefined;
}

const quoted = (text: string, max = 60) => JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);

/** aws:invokeLambdaFunction's Payload for the request check's string answer: JSON text starts with its quote. */
export function lambdaStringPayload(grant: AutomationExecution, checkStep: string): Finding<"lambdaStringPayload"> {
  const step = lastStep(grant, checkStep);
  const payload = step?.Outputs?.Payload?.[0];
  if (payload === undefined) {
    return {
      dimension: "lambdaStringPayload",
      evidence: `the grant workflow's ${checkStep} step has no Payload output${step ? ` (${step.StepStatus})` : ""}`,
      needs: "a grant workflow whose request check answered: run jit verify again once a request reaches it",
    };
  }
  return {
    dimension: "lambdaStringPayload",
    reading: payload.startsWith('"') ? "json-text" : "bare-string",
    evidence: `${checkStep}'s Payload is ${quoted(payload)}`,
  };
}

/** Whether a Change Manager runbook's execution names its change request. */
export function runbookParentLink(runbook: AutomationExecution): Finding<"runbookParentLink"> {
  const parent = runbook.ParentAutomationExecutionId;
  return {
    dimension: "runbookParentLink",
    reading: parent ? "recorded" : "absent",
    evidence: parent
      ? `the runbook ${runbook.AutomationExecutionId} names its change request ${parent} (ParentAutomationExecutionId)`
      : `the runbook ${runbook.AutomationExecutionId} has no ParentAutomationExecutionId`,
  };
}

/** The runbook's parameters: the form's, or with AutomationAssumeRole, which only the console may add. */
export function consoleRunbookParameters(
  runbook: AutomationExecution,
  raisedInConsole: boolean,
): Finding<"consoleRunbookParameters"> {
  const added = Object.keys(runbook.Parameters ?? {}).includes("AutomationAssumeRole");
  if (added) {
    return {
      dimension: "consoleRunbookParameters",
      reading: "adds-assume-role",
      evidence: `the runbook ${runbook.AutomationExecutionId} was given AutomationAssumeRole, which the form does not ask for`,
    };
  }
  if (!raisedInConsole) {
    return {
      dimension: "consoleRunbookParameters",
      evidence: "the CLI raised this request and sends the form's parameters only",
      needs:
        "a request raised in the Change Manager console: raise one for the canary there, then run jit verify --records <change-request-id>",
    };
  }
  return {
    dimension: "consoleRunbookParameters",
    reading: "form-only",
    evidence: `the runbook ${runbook.AutomationExecutionId} has the form's parameters only`,
  };
}

/** The approval step's ApproverDecisions: one JSON string holding a list, or one map per decision. */
export function approverReadings(changeRequest: AutomationExecution): Finding[] {
  const needs =
    "a real approval: raise a request that needs one (or run jit verify with --approver-profile), approve it, then run jit verify --records <change-request-id>";
  const approvals = (changeRequest.StepExecutions ?? []).filter(
    (s) => s.Action === "aws:approve" && (s.Outputs?.ApproverDecisions ?? []).length > 0,
  );
  if (approvals.length === 0) {
    const evidence = "the change request has no approval decision (auto-approved, or not approved yet)";
    return [
      { dimension: "approverDecisions", evidence, needs },
      { dimension: "approverIdentity", evidence, needs },
    ];
  }
  const step = approvals[approvals.length - 1];
  const raw = step.Outputs?.ApproverDecisions ?? [];
  const decisions = parseDecisions(raw);
  const shape: Finding = decisions
    ? {
        dimension: "approverDecisions",
        reading: decisions.shape,
        evidence: `${step.StepName}'s ApproverDecisions is ${decisions.shape === "json-string" ? "one JSON string holding a list" : `a list of ${raw.length} map(s)`}, deciding ${decisions.entries.map((d) => quoted(String(d.Decision ?? "?"), 20)).join(", ")}`,
      }
    : {
        dimension: "approverDecisions",
        evidence: `${step.StepName}'s ApproverDecisions is in no shape the request check reads: ${quoted(raw.join(" | "), 120)}; the check refuses such requests, so tell the maintainers`,
        needs: "a change to the request check for this shape",
      };
  const approver = decisions?.entries.map((d) => d.Approver).find((a) => typeof a === "string") as string | undefined;
  const identity: Finding = approver
    ? {
        dimension: "approverIdentity",
        reading: approverIdentity(approver),
        evidence: `a decision names ${quoted(approver, 120)}`,
      }
    : { dimension: "approverIdentity", evidence: "no decision names an approver", needs };
  return [shape, identity];
}

interface Decisions {
  shape: AwsBehaviour["approverDecisions"];
  entries: Record<string, unknown>[];
}

function parseDecisions(raw: readonly string[]): Decisions | undefined {
  const parsed = raw.map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  });
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (parsed.length === 1 && Array.isArray(parsed[0]) && parsed[0].every(isMap)) {
    return { shape: "json-string", entries: parsed[0] };
  }
  if (parsed.every(isMap)) return { shape: "list-of-maps", entries: parsed };
  return undefined;
}

/** A session ARN names the person; a role ARN only the permission set's role; anything else is taken for a user id. */
export function approverIdentity(approver: string): AwsBehaviour["approverIdentity"] {
  if (/^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^/]+\/.+$/.test(approver)) return "session-arn";
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(approver)) return "role-arn";
  return "user-id";
}

/**
 * CloudTrail's StartChangeRequestExecution record. `sent` is what the request sent, when the self-test raised it; for a
 * request raised elsewhere (--records) it is unknown, and a record with both fields decides only if they were not sent
 * (the console's form may leave them out).
 */
export function changeRequestRecord(
  requestParameters: Record<string, unknown> | undefined,
  sent?: { autoApprove: boolean; name: boolean },
): Finding<"changeRequestRecord"> {
  if (!requestParameters) {
    return {
      dimension: "changeRequestRecord",
      evidence: "no StartChangeRequestExecution record of this change request was found in the trail's log group",
      needs:
        "its CloudTrail record: check --trail-log-group (the organization trail's log group in the management account), or wait a few minutes for CloudTrail to deliver, then run jit verify --records <change-request-id>",
    };
  }
  const hasAuto = "autoApprove" in requestParameters;
  const hasName = "changeRequestName" in requestParameters;
  const shows = `the record has ${hasAuto ? "" : "no "}autoApprove and ${hasName ? "" : "no "}changeRequestName`;
  const finding = (reading: AwsBehaviour["changeRequestRecord"], evidence: string): Finding<"changeRequestRecord"> => ({
    dimension: "changeRequestRecord",
    reading,
    evidence,
  });
  if (!hasAuto && !sent?.autoApprove) return finding("omits-auto-approve", shows);
  if (!hasName && !sent?.name) return finding("omits-name", shows);
  if (!sent)
    return finding("all-fields", `${shows} (conclusive if the request was raised without them, as the console may)`);
  if (!sent.autoApprove || !sent.name) return finding("all-fields", `${shows}, though the request left one out`);
  return {
    dimension: "changeRequestRecord",
    evidence: `${shows}; the request sent both, so the record cannot show whether CloudTrail leaves out what is not sent`,
    needs:
      "a request raised without AutoApprove or without a name (the console's form may leave them out): raise one for the canary in the console, then run jit verify --records <change-request-id>",
  };
}

export function lastStep(x: AutomationExecution, name: string): StepExecution | undefined {
  return (x.StepExecutions ?? []).filter((s) => s.StepName === name).at(-1);
}
