/**
 * How long AWS takes, per reading of the `pace` dimension (./variants.ts). AWS documents neither how long Automation
 * takes to schedule a step nor how long Identity Center takes to provision an account assignment, and all of it
 * counts against the two minutes a cancellation gets.
 *
 * - `quick`: what the simulator always assumed: a second per step, three seconds per assignment operation.
 * - `slow`: as seen in the field. Step scheduling: the "tens of seconds"; we take 15 s, so the eight steps of
 *   a cancellation cleanup already need two minutes. Identity Center operations: Terraform's AWS provider waits up
 *   to 5 minutes for an assignment's creation or deletion and sleeps 10 s before its first poll, after users hit its
 *   earlier, shorter limits (hashicorp/terraform-provider-aws#25849, internal/service/ssoadmin/wait.go:
 *   accountAssignmentCreateTimeout, accountAssignmentDelay); we take 90 s, more than a minute as the issue reports,
 *   and less than a cancellation's whole budget.
 */
import type { AwsBehaviour } from "./variants";

export interface Pace {
  /** Automation's scheduling of one step, before the step's action starts. */
  stepSchedulingMs: number;
  /** How long an Identity Center assignment creation or deletion stays IN_PROGRESS. */
  identityCenterOperationMs: number;
}

export const PACES: Record<AwsBehaviour["pace"], Pace> = {
  quick: { stepSchedulingMs: 1_000, identityCenterOperationMs: 3_000 },
  slow: { stepSchedulingMs: 15_000, identityCenterOperationMs: 90_000 },
};
