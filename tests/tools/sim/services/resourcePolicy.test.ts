/**
 * The resource-policy evaluator the EventBridge, SNS and Organizations fakes share, against the IAM User Guide:
 * "Policy evaluation logic", "IAM JSON policy elements: Principal", "...: Resource" ("Using wildcards in resource
 * ARNs") and "...: Condition operators" (String and ARN operators, and the rule for keys absent from the request).
 */
import assert from "node:assert/strict";
import { AwsError, type Caller } from "../../../../tools/sim/aws";
import { compileResourcePolicy, evaluate, type PolicyRequest } from "../../../../tools/sim/services/resourcePolicy";

const OWNER = "111122223333";
const OTHER = "444455556666";
const TOPIC = `arn:aws:sns:eu-west-1:${OWNER}:alerts`;
const session = (account: string, role: string, sessionName = "Automation-session"): Caller => ({
  account,
  region: "eu-west-1",
  roleArn: `arn:aws:iam::${account}:role/${role}`,
  sessionName,
});
const APP = session(OTHER, "app-one");

/** A policy of these statements, each defaulting to an Allow of sns:Publish on TOPIC for everyone. */
const policy = (...statements: Record<string, unknown>[]) =>
  compileResourcePolicy(
    JSON.stringify({
      Version: "2012-10-17",
      Statement: statements.map((s) => ({
        Effect: "Allow",
        Principal: "*",
        Action: "sns:Publish",
        Resource: TOPIC,
        ...s,
      })),
    }),
    "sns",
    { conditionKeys: ["aws:SourceAccount", "events:source"] },
  );

const publish = (principal: PolicyRequest["principal"], extra: Partial<PolicyRequest> = {}): PolicyRequest => ({
  principal,
  action: "sns:Publish",
  resource: TOPIC,
  ...extra,
});

describe("resource policy evaluator", () => {
  describe("statements", () => {
    it("lets an explicit Deny win over an Allow, and decides nothing when no statement applies", () => {
      const compiled = policy({}, { Effect: "Deny", Principal: { AWS: OTHER } });
      assert.equal(evaluate(compiled, publish(APP)), "Deny");
      assert.equal(evaluate(compiled, publish(session(OWNER, "app"))), "Allow");
      assert.equal(evaluate(compiled, publish(APP, { action: "sns:Subscribe" })), undefined);
      assert.equal(evaluate(undefined, publish(APP)), undefined, "no policy decides nothing");
    });

    it("matches actions case-insensitively, with wildcards", () => {
      for (const Action of ["SNS:Publish", "sns:pub*", ["sqs:SendMessage", "sns:Publi?h"], "*"]) {
        assert.equal(evaluate(policy({ Action }), publish(APP)), "Allow", JSON.stringify(Action));
      }
      assert.equal(evaluate(policy({ Action: "sns:Pub" }), publish(APP)), undefined);
    });
  });

  describe("principals", () => {
    it("admits every principal of an account named by its ID or its root ARN, and no other account's", () => {
      for (const AWS of [OTHER, `arn:aws:iam::${OTHER}:root`, [OWNER, OTHER], "*"]) {
        assert.equal(evaluate(policy({ Principal: { AWS } }), publish(APP)), "Allow", JSON.stringify(AWS));
      }
      assert.equal(evaluate(policy({ Principal: { AWS: OWNER } }), publish(APP)), undefined);
    });

    it("admits by a role ARN that role's sessions only, and by an assumed-role ARN that one session only", () => {
      const byRole = policy({ Principal: { AWS: APP.roleArn } });
      assert.equal(evaluate(byRole, publish(APP)), "Allow");
      assert.equal(evaluate(byRole, publish(session(OTHER, "app-two"))), undefined);
      assert.equal(evaluate(byRole, publish({ account: OTHER, roleArn: APP.roleArn })), "Allow", "a role, no session");
      const bySession = policy({ Principal: { AWS: `arn:aws:sts::${OTHER}:assumed-role/app-one/Automation-session` } });
      assert.equal(evaluate(bySession, publish(APP)), "Allow");
      assert.equal(evaluate(bySession, publish(session(OTHER, "app-one", "someone-else"))), undefined);
      assert.equal(evaluate(bySession, publish({ account: OTHER, roleArn: APP.roleArn })), undefined);
    });

    it("never matches a role session to a user, service or federated principal", () => {
      const compiled = policy({
        Principal: {
          AWS: `arn:aws:iam::${OTHER}:user/app-one`,
          Service: "events.amazonaws.com",
          Federated: "cognito-identity.amazonaws.com",
        },
      });
      assert.equal(evaluate(compiled, publish(APP)), undefined);
    });
  });

  describe("resources", () => {
    it("expands a * across slashes (the guide's amzn-s3-demo-bucket/*/test/* example)", () => {
      const compiled = policy({ Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*" });
      const get = (key: string) => publish(APP, { action: "s3:GetObject", resource: `arn:aws:s3:::${key}` });
      for (const key of ["1/test/object.jpg", "1/2/test/3/object.jpg", "1///test///object.jpg", "/test/object.jpg"]) {
        assert.equal(evaluate(compiled, get(`amzn-s3-demo-bucket/${key}`)), "Allow", key);
      }
      for (const key of ["1-test/object.jpg", "test/object.jpg"]) {
        assert.equal(evaluate(compiled, get(`amzn-s3-demo-bucket/${key}`)), undefined, key);
      }
    });

    it("keeps a wildcard inside its ARN segment unless a * ends the segment", () => {
      assert.equal(evaluate(policy({ Resource: "arn:aws:sns:*" }), publish(APP)), "Allow");
      assert.equal(evaluate(policy({ Resource: "arn:aws:sns:eu-*:*:al?rts" }), publish(APP)), "Allow");
      assert.equal(evaluate(policy({ Resource: "arn:aws:sns:e*3:alerts" }), publish(APP)), undefined);
      assert.equal(evaluate(policy({ Resource: `arn:aws:sns:eu-west-1:${OWNER}:other` }), publish(APP)), undefined);
    });
  });

  describe("conditions", () => {
    it("compares ARNs part by part with ArnLike and ArnEquals, unlike StringLike over the whole text", () => {
      const arnLike = policy({ Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/app-*" } } });
      assert.equal(evaluate(arnLike, publish(APP)), "Allow");
      assert.equal(evaluate(arnLike, publish(session(OTHER, "other"))), undefined);
      const short = "arn:aws:iam::*";
      assert.equal(
        evaluate(policy({ Condition: { ArnEquals: { "aws:PrincipalArn": short } } }), publish(APP)),
        undefined,
      );
      assert.equal(
        evaluate(policy({ Condition: { StringLike: { "aws:PrincipalArn": short } } }), publish(APP)),
        "Allow",
      );
    });

    it("ORs a key's values, ANDs keys and operators, and holds a negated operator only when no value matches", () => {
      const compiled = policy({
        Condition: {
          StringEquals: { "aws:PrincipalAccount": [OWNER, OTHER], "events:source": "com.example" },
          StringNotLike: { "aws:PrincipalArn": ["*:role/admin-*", "*:role/app-t*"] },
        },
      });
      const keys = { "events:source": "com.example" };
      assert.equal(evaluate(compiled, publish(APP, { keys })), "Allow");
      assert.equal(evaluate(compiled, publish(session(OTHER, "app-two"), { keys })), undefined, "StringNotLike");
      assert.equal(evaluate(compiled, publish(APP, { keys: { "events:source": "com.other" } })), undefined);
      assert.equal(evaluate(compiled, publish(session("777788889999", "app-one"), { keys })), undefined);
    });

    it("fails a condition on a key the request does not carry, and holds its negation", () => {
      const on = (operator: string) => policy({ Condition: { [operator]: { "aws:SourceAccount": OTHER } } });
      assert.equal(evaluate(on("StringEquals"), publish(APP)), undefined);
      assert.equal(evaluate(on("StringNotEquals"), publish(APP)), "Allow");
      const withoutRole = { account: OTHER };
      const arnNotLike = policy({ Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } });
      assert.equal(evaluate(arnNotLike, publish(withoutRole)), "Allow");
      assert.equal(evaluate(arnNotLike, publish(APP)), undefined);
    });

    it("reads condition key names case-insensitively", () => {
      const compiled = policy({ Condition: { StringEquals: { "AWS:principalaccount": OTHER, "Events:Source": "x" } } });
      assert.equal(evaluate(compiled, publish(APP, { keys: { "events:source": "x" } })), "Allow");
    });
  });

  describe("what it cannot evaluate", () => {
    it("refuses, naming the service, every element and form it does not evaluate", () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ NotAction: "sns:Subscribe" }, /NotAction/],
        [{ Principal: undefined, NotPrincipal: { AWS: OTHER } }, /NotPrincipal/],
        [{ Resource: undefined, NotResource: TOPIC }, /NotResource/],
        [{ Condition: { StringEqualsIgnoreCase: { "aws:PrincipalAccount": OTHER } } }, /condition operator String/],
        [{ Condition: { StringEqualsIfExists: { "aws:PrincipalAccount": OTHER } } }, /operator StringEqualsIfExists/],
        [{ Condition: { "ForAnyValue:StringLike": { "aws:PrincipalArn": "*" } } }, /operator ForAnyValue:StringLike/],
        [{ Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }, /condition key aws:PrincipalOrgID/],
        [{ Principal: { AWS: `arn:aws:iam::${OTHER}:group/admins` } }, /principal arn:aws:iam::\d+:group\/admins/],
        [{ Principal: { CanonicalUser: "79a59df900b949e5", Unknown: "x" } }, /Principal Unknown/],
        [{ Unknown: true }, /Unknown/],
      ];
      for (const [statement, message] of cases) {
        assert.throws(
          () => policy(statement),
          (err: unknown) =>
            !(err instanceof AwsError) &&
            /the simulator's sns fake does not evaluate/.test(String(err)) &&
            message.test(String(err)),
          JSON.stringify(statement),
        );
      }
    });

    it("reports a policy that is not one with the fake's own error, or a plain Error naming the service", () => {
      const invalid = (reason: string) => new AwsError("InvalidParameter", reason);
      const malformed = ["{", "{}", '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"a","Resource":"*"}]}'];
      for (const json of malformed) {
        assert.throws(() => compileResourcePolicy(json, "sns", { malformed: invalid }), AwsError, json);
        assert.throws(() => compileResourcePolicy(json, "events"), /the events resource policy/, json);
      }
      for (const statement of [{ Principal: "444455556666" }, { Action: [] }, { Resource: undefined }]) {
        assert.throws(() => policy(statement), /the sns resource policy needs/, JSON.stringify(statement));
      }
    });
  });
});
