import assert from "node:assert/strict";
import { busPolicyPrincipals } from "../../policy/busPolicyPrincipals";
import type { PolicyDocument } from "../../shared/iam";
import { type Plan, sharedManagementPlan, sharedRequesterPlan } from "../support/plan";
import { PLANNED_STACKS } from "./plannedStacks";
import { type PlannedResource, planViolations, validate, withJson } from "./validation";

const BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy";
const policy = busPolicyPrincipals;

/** The request bus policy with its one statement's Principal and Condition replaced. */
function admitting(resource: PlannedResource, principal: unknown, condition?: unknown): PlannedResource {
  return withJson<PolicyDocument>(resource, "policy", (doc) => {
    const statement = doc.Statement[0] as unknown as Record<string, unknown>;
    statement.Principal = principal;
    if (condition === undefined) delete statement.Condition;
    else statement.Condition = condition;
  });
}

describe("policy bus-policy-principals", () => {
  for (const { label, plan } of PLANNED_STACKS) {
    it(`accepts the planned ${label} stack`, async () => {
      assert.deepEqual(await planViolations(policy, await plan()), []);
    });
  }

  it("applies to the request bus policy, the only bus policy either side declares", async () => {
    const buses = [
      ...(await sharedManagementPlan()).ofType(BUS_POLICY),
      ...(await sharedRequesterPlan()).ofType(BUS_POLICY),
    ];
    assert.deepEqual(
      buses.map((b) => b.name),
      ["request-bus-policy"],
    );
    for (const bus of buses) assert.ok((await validate(policy, bus)).applicable);
  });

  describe("on the request bus policy", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });
    const bus = () => plan.one(BUS_POLICY, "request-bus-policy");
    const PREFIX = `request-bus-policy (${BUS_POLICY}): `;

    it('rejects Principal "*" without a condition', async () => {
      const { violations } = await validate(policy, admitting(bus(), "*"));
      assert.deepEqual(violations, [
        `${PREFIX}statement "RequesterRolesPutEvents" allows Principal "*" without an aws:PrincipalArn or aws:PrincipalOrgID condition`,
      ]);
    });

    it('rejects { AWS: "*" } whose only condition does not name principals', async () => {
      const bad = admitting(bus(), { AWS: "*" }, { StringEquals: { "aws:SourceAccount": "444455556666" } });
      assert.equal((await validate(policy, bad)).violations.length, 1);
    });

    it('rejects Principal "*" under a negated condition, which admits everyone else', async () => {
      const bad = admitting(bus(), "*", { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::444455556666:role/x" } });
      assert.equal((await validate(policy, bad)).violations.length, 1);
    });

    it('accepts Principal "*" narrowed to named roles or to one organization', async () => {
      const roles = admitting(bus(), "*", {
        ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::444455556666:role/idc-jit-dev-request"] },
      });
      assert.deepEqual((await validate(policy, roles)).violations, []);
      const organization = admitting(bus(), "*", { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
      assert.deepEqual((await validate(policy, organization)).violations, []);
    });

    it("rejects a principal whose account id is a wildcard (arn:aws:iam::*:root)", async () => {
      const bad = admitting(
        bus(),
        { AWS: "arn:aws:iam::*:root" },
        {
          ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::444455556666:role/idc-jit-dev-request"] },
        },
      );
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${PREFIX}statement "RequesterRolesPutEvents" allows arn:aws:iam::*:root, whose account id is a wildcard`,
      ]);
    });

    it("rejects an aws:PrincipalArn condition on any account's role", async () => {
      const bad = admitting(bus(), "*", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/idc-jit-dev-request" } });
      const { violations } = await validate(policy, bad);
      assert.ok(
        violations.includes(
          `${PREFIX}statement "RequesterRolesPutEvents" conditions aws:PrincipalArn on arn:aws:iam::*:role/idc-jit-dev-request, which is not a role or root of a named account`,
        ),
      );
      assert.ok(violations.some((v) => /allows Principal "\*" without/.test(v)));
    });

    it("rejects an aws:PrincipalOrgID condition that matches any organization", async () => {
      const bad = admitting(bus(), "*", { StringLike: { "aws:PrincipalOrgID": "o-*" } });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${PREFIX}statement "RequesterRolesPutEvents" allows Principal "*" without an aws:PrincipalArn or aws:PrincipalOrgID condition`,
        `${PREFIX}statement "RequesterRolesPutEvents" conditions aws:PrincipalOrgID on o-*, which is not one organization's id`,
      ]);
    });

    it("rejects users, services and NotPrincipal: only account roots and roles may put events", async () => {
      const user = admitting(bus(), { AWS: "arn:aws:iam::444455556666:user/alice" });
      assert.match(
        (await validate(policy, user)).violations[0],
        /allows arn:aws:iam::444455556666:user\/alice, which is not an account root or role ARN/,
      );
      const service = admitting(bus(), { Service: "events.amazonaws.com" });
      assert.match(
        (await validate(policy, service)).violations[0],
        /allows the Service principal events.amazonaws.com/,
      );
      const notPrincipal = withJson<PolicyDocument>(bus(), "policy", (doc) => {
        const s = doc.Statement[0] as unknown as Record<string, unknown>;
        s.NotPrincipal = s.Principal;
        delete s.Principal;
      });
      assert.match((await validate(policy, notPrincipal)).violations[0], /allows NotPrincipal, which is everyone else/);
    });

    it("accepts an account given by its bare 12-digit id, which means its root", async () => {
      const bare = admitting(
        bus(),
        { AWS: ["444455556666"] },
        {
          ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::444455556666:role/idc-jit-dev-request"] },
        },
      );
      assert.deepEqual((await validate(policy, bare)).violations, []);
    });
  });

  describe("on an EventPermission, the one-statement form of a bus policy", () => {
    const permission = (inputs: Record<string, unknown>): PlannedResource => ({
      type: "aws:cloudwatch/eventPermission:EventPermission",
      name: "requester-permission",
      inputs: { statementId: "Requester", eventBusName: "idc-jit-dev-access-requests", ...inputs },
    });

    it("accepts one account, and every account of one organization", async () => {
      assert.deepEqual((await validate(policy, permission({ principal: "444455556666" }))).violations, []);
      const organization = permission({
        principal: "*",
        condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: "o-a1b2c3d4e5" },
      });
      assert.deepEqual((await validate(policy, organization)).violations, []);
    });

    it("rejects every account without a condition", async () => {
      assert.deepEqual((await validate(policy, permission({ principal: "*" }))).violations, [
        'requester-permission (aws:cloudwatch/eventPermission:EventPermission): statement "Requester" allows ' +
          'Principal "*" without an aws:PrincipalArn or aws:PrincipalOrgID condition',
      ]);
    });
  });
});
