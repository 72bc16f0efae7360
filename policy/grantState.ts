/**
 * The state running grants depend on, kept from `pulumi destroy` and from a replacement: the grant ledger (the only
 * record of what was granted and when it ends) and the schedule groups (deleting a group deletes its schedules, the
 * ends among them). Each is declared with `protect`, so Pulumi refuses to plan its deletion, and the table also with
 * DynamoDB's own deletion protection, so nobody deletes it outside Pulumi either.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { SOLUTION } from "../shared/tags";
import { about } from "./violation";

const ofSolution = (tags: Record<string, string> | undefined) => tags?.Solution === SOLUTION;

export const grantStateProtected: ResourceValidationPolicy = {
  name: "grant-state-protected",
  description:
    "The solution's DynamoDB tables and schedule groups are protected (and the tables deletion-protected): deleting or replacing them while grants run would leave access in place with no end.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, args, report) => {
      if (!ofSolution(table.tags)) return;
      if (!args.opts.protect) report(about(args, "is not protected: declare it with protect: true"));
      if (table.deletionProtectionEnabled !== true) {
        report(about(args, "has no deletion protection: set deletionProtectionEnabled: true"));
      }
    }),
    validateResourceOfType(aws.scheduler.ScheduleGroup, (group, args, report) => {
      if (ofSolution(group.tags) && !args.opts.protect) {
        report(about(args, "is not protected: declare it with protect: true (deleting it deletes its schedules)"));
      }
    }),
  ],
};
