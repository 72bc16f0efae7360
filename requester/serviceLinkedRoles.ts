import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ServiceLinkedRolesArgs {
  /** AWSServiceRoleForAmazonSSM; off when the account has it already. */
  ssm: boolean;
  /** AWSServiceRoleForSystemsManagerChangeManagement; off when the account has it already. */
  changeManager: boolean;
  tags: Record<string, string>;
}

const SERVICES = {
  ssm: { service: "ssm.amazonaws.com", description: "Lets Systems Manager manage resources for Automation" },
  changeManager: {
    service: "changemanagement.ssm.amazonaws.com",
    description: "Lets Systems Manager Change Manager run change requests",
  },
} as const;

/**
 * The service-linked roles Systems Manager and Change Manager need. An account has one of each, possibly used by
 * other work, so destroying this stack leaves them in place.
 */
export class ServiceLinkedRoles extends pulumi.ComponentResource {
  constructor(name: string, args: ServiceLinkedRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:ServiceLinkedRoles", name, {}, opts);
    for (const key of ["ssm", "changeManager"] as const) {
      if (!args[key]) continue;
      new aws.iam.ServiceLinkedRole(
        `${name}-${key}`,
        { awsServiceName: SERVICES[key].service, description: SERVICES[key].description, tags: args.tags },
        { parent: this, retainOnDelete: true },
      );
    }
    this.registerOutputs({});
  }
}
