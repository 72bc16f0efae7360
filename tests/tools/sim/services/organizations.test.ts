/**
 * The AWS Organizations fake: the management account reads everything; a member account reads only what the
 * resource-based delegation policy allows. A policy shaped as earlier versions of the stack created it and the AWS
 * Organizations User Guide's "Resource-based policy examples" (DelegatingNecessaryDescribeListActions) drive it.
 */
import assert from "node:assert/strict";
import { type ApiInput, AwsError, type Caller } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { Ids } from "../../../../tools/sim/ids";
import { OrganizationsFake } from "../../../../tools/sim/services/organizations";
import {
  GRANT_WORKFLOW_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  REGION,
  REQUESTER,
  REQUESTER_NOTIFICATIONS_ROLE,
  roleArn,
} from "../../../management/iam/fixtures";
import { awsError } from "../support/aws";

const session = (role: string, account = role.split(":")[4]): Caller => ({
  account,
  region: REGION,
  roleArn: role,
  sessionName: "Automation-session",
});
const GRANT_WORKFLOW = session(GRANT_WORKFLOW_ROLE);
const REQUESTER_NOTIFICATIONS = session(REQUESTER_NOTIFICATIONS_ROLE);
const REQUESTER_OTHER_ROLE = session(roleArn(REQUESTER, "idc-jit-dev-request"));
const WORKLOAD = "210987654321";
const OUTSIDER = session(roleArn(OTHER_ACCOUNT, "someone"));

/** The documented example delegation, for the requester account. */
const DESCRIBE_LIST_EXAMPLE = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DelegatingNecessaryDescribeListActions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${REQUESTER}:root` },
      Action: [
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribeAccount",
        "organizations:ListParents",
        "organizations:ListAccountsForParent",
      ],
      Resource: "*",
    },
  ],
});

function setUp(clock = new VirtualClock()) {
  const orgs = new OrganizationsFake(new Ids("orgs-test"), clock);
  const root = orgs.createOrganization(MANAGEMENT);
  orgs.createAccount(MANAGEMENT, "management", root);
  const infrastructure = orgs.createOrganizationalUnit(root, "Infrastructure");
  orgs.createAccount(REQUESTER, "shared-services", infrastructure);
  const workloads = orgs.createOrganizationalUnit(root, "Workloads");
  const production = orgs.createOrganizationalUnit(workloads, "Production");
  orgs.createAccount(WORKLOAD, "workloads-prod", production, "prod@example.com");
  const call = (api: string, input: ApiInput, caller = GRANT_WORKFLOW) => orgs.call(api, input, caller);
  return { orgs, root, infrastructure, workloads, production, call };
}

/**
 * A delegation policy shaped as earlier versions of the management stack created it: one role of the requester
 * account (named by aws:PrincipalArn) may describe accounts.
 */
async function plannedPolicy(): Promise<string> {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "JitRequesterDescribeAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${REQUESTER}:root` },
        Action: ["organizations:DescribeAccount"],
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": [REQUESTER_NOTIFICATIONS_ROLE] } },
      },
    ],
  });
}

const policyWith = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Resource: "*", ...statement }] });

describe("AWS Organizations fake", () => {
  describe("from the management account", () => {
    it("describes an account with the API reference's fields", async () => {
      const { orgs, call } = setUp();
      const { id } = orgs.organization();
      assert.match(id, /^o-[a-z0-9]{10,32}$/);
      assert.deepEqual(await call("DescribeAccount", { AccountId: WORKLOAD }), {
        Account: {
          Id: WORKLOAD,
          Arn: `arn:aws:organizations::${MANAGEMENT}:account/${id}/${WORKLOAD}`,
          Email: "prod@example.com",
          Name: "workloads-prod",
          Status: "ACTIVE",
          State: "ACTIVE",
          JoinedMethod: "CREATED",
          JoinedTimestamp: new Date(START_TIME),
        },
      });
    });

    it("answers AccountNotFoundException for an account outside the organization", async () => {
      const { call } = setUp();
      await assert.rejects(call("DescribeAccount", { AccountId: OTHER_ACCOUNT }), awsError("AccountNotFoundException"));
    });

    it("rejects malformed ids with InvalidInputException, as Organizations does", async () => {
      const { call } = setUp();
      await assert.rejects(
        call("DescribeAccount", { AccountId: "{{ AccountId }}" }),
        awsError("InvalidInputException"),
      );
      await assert.rejects(call("ListParents", { ChildId: "r-abcd" }), awsError("InvalidInputException"));
    });

    it("walks the tree: parents, OUs and the accounts under a parent", async () => {
      const { orgs, root, workloads, production, call } = setUp();
      assert.match(production, /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
      assert.deepEqual(await call("ListParents", { ChildId: WORKLOAD }), {
        Parents: [{ Id: production, Type: "ORGANIZATIONAL_UNIT" }],
      });
      assert.deepEqual(await call("ListParents", { ChildId: workloads }), { Parents: [{ Id: root, Type: "ROOT" }] });
      const ou = (await call("DescribeOrganizationalUnit", { OrganizationalUnitId: production })) as {
        OrganizationalUnit: { Name: string; Arn: string };
      };
      assert.equal(ou.OrganizationalUnit.Name, "Production");
      assert.match(ou.OrganizationalUnit.Arn, /^arn:aws:organizations::111122223333:ou\/o-[a-z0-9]+\/ou-/);
      assert.deepEqual(orgs.ancestorsOf(WORKLOAD), [production, workloads, root]);
      assert.deepEqual(orgs.ancestorsOf(MANAGEMENT), [root]);
    });

    it("pages ListAccountsForParent by MaxResults", async () => {
      const { orgs, root, call } = setUp();
      orgs.createAccount("333344445555", "sandbox", root);
      const first = (await call("ListAccountsForParent", { ParentId: root, MaxResults: 1 })) as {
        Accounts: { Id: string }[];
        NextToken?: string;
      };
      const second = (await call("ListAccountsForParent", {
        ParentId: root,
        NextToken: first.NextToken,
      })) as typeof first;
      assert.deepEqual(
        [...first.Accounts, ...second.Accounts].map((a) => a.Id),
        [MANAGEMENT, "333344445555"],
      );
      assert.equal(second.NextToken, undefined);
      await assert.rejects(
        call("ListAccountsForParent", { ParentId: root, MaxResults: 21 }),
        awsError("InvalidInputException"),
      );
    });

    it("answers the not-found error of each API", async () => {
      const { call } = setUp();
      await assert.rejects(call("ListParents", { ChildId: "999999999999" }), awsError("ChildNotFoundException"));
      await assert.rejects(
        call("DescribeOrganizationalUnit", { OrganizationalUnitId: "ou-abcd-00000000" }),
        awsError("OrganizationalUnitNotFoundException"),
      );
      await assert.rejects(call("ListAccountsForParent", { ParentId: "r-zzzz" }), awsError("ParentNotFoundException"));
    });
  });

  describe("delegation to member accounts", () => {
    it("refuses a member account when no delegation policy exists", async () => {
      const { call } = setUp();
      await assert.rejects(
        call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_NOTIFICATIONS),
        awsError("AccessDeniedException"),
      );
    });

    it("lets the requester notifications role describe accounts under the planned policy, and no other role", async () => {
      const { orgs, call } = setUp();
      orgs.putResourcePolicy(await plannedPolicy());
      const out = (await call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_NOTIFICATIONS)) as {
        Account: { Name: string };
      };
      assert.equal(out.Account.Name, "workloads-prod");
      await assert.rejects(
        call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_OTHER_ROLE),
        awsError("AccessDeniedException"),
      );
    });

    it("grants under the planned policy only the action it names", async () => {
      const { orgs, call } = setUp();
      orgs.putResourcePolicy(await plannedPolicy());
      await assert.rejects(
        call("ListParents", { ChildId: WORKLOAD }, REQUESTER_NOTIFICATIONS),
        awsError("AccessDeniedException"),
      );
    });

    it("admits every principal of the account named by its root ARN (the documented example)", async () => {
      const { orgs, production, call } = setUp();
      orgs.putResourcePolicy(DESCRIBE_LIST_EXAMPLE);
      await call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_OTHER_ROLE);
      await call("ListParents", { ChildId: WORKLOAD }, REQUESTER_OTHER_ROLE);
      await call("DescribeOrganizationalUnit", { OrganizationalUnitId: production }, REQUESTER_NOTIFICATIONS);
    });

    it("matches wildcard actions such as organizations:Describe*", async () => {
      const { orgs, production, call } = setUp();
      orgs.putResourcePolicy(
        policyWith({ Effect: "Allow", Principal: { AWS: REQUESTER }, Action: "organizations:Describe*" }),
      );
      await call("DescribeOrganizationalUnit", { OrganizationalUnitId: production }, REQUESTER_NOTIFICATIONS);
      await assert.rejects(
        call("ListAccountsForParent", { ParentId: production }, REQUESTER_NOTIFICATIONS),
        awsError("AccessDeniedException"),
      );
    });

    it("lets an explicit Deny win over an Allow", async () => {
      const { orgs, call } = setUp();
      orgs.putResourcePolicy(
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: REQUESTER }, Action: "organizations:*", Resource: "*" },
            {
              Effect: "Deny",
              Principal: "*",
              Action: "organizations:DescribeAccount",
              Resource: `arn:aws:organizations::${MANAGEMENT}:account/o-*/${WORKLOAD}`,
            },
          ],
        }),
      );
      await assert.rejects(
        call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_NOTIFICATIONS),
        awsError("AccessDeniedException"),
      );
      await call("DescribeAccount", { AccountId: REQUESTER }, REQUESTER_NOTIFICATIONS);
    });

    it("evaluates negated and wildcard conditions on the principal", async () => {
      const { orgs, call } = setUp();
      orgs.putResourcePolicy(
        policyWith({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${REQUESTER}:root` },
          Action: "organizations:DescribeAccount",
          Condition: {
            ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-*` },
            StringNotEquals: { "aws:PrincipalArn": REQUESTER_OTHER_ROLE.roleArn },
          },
        }),
      );
      await call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_NOTIFICATIONS);
      await assert.rejects(
        call("DescribeAccount", { AccountId: WORKLOAD }, REQUESTER_OTHER_ROLE),
        awsError("AccessDeniedException"),
      );
    });

    it("fails loudly at putResourcePolicy on a condition operator it does not evaluate", () => {
      const { orgs } = setUp();
      assert.throws(
        () =>
          orgs.putResourcePolicy(
            policyWith({
              Effect: "Allow",
              Principal: { AWS: REQUESTER },
              Action: "organizations:DescribeAccount",
              Condition: { DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } },
            }),
          ),
        (err: unknown) => !(err instanceof AwsError) && /condition operator DateGreaterThan/.test(String(err)),
      );
    });

    it("refuses a policy with NotAction, which it does not evaluate", () => {
      const { orgs } = setUp();
      assert.throws(
        () =>
          orgs.putResourcePolicy(policyWith({ Effect: "Allow", Principal: "*", NotAction: "organizations:Leave*" })),
        /NotAction/,
      );
    });
  });

  it("answers AWSOrganizationsNotInUseException to an account outside the organization", async () => {
    const { call } = setUp();
    await assert.rejects(
      call("DescribeAccount", { AccountId: WORKLOAD }, OUTSIDER),
      awsError("AWSOrganizationsNotInUseException"),
    );
  });

  it("refuses APIs it does not implement", async () => {
    const { call } = setUp();
    await assert.rejects(call("ListAccounts", {}), /does not implement ListAccounts/);
  });
});
