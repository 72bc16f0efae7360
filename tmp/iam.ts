import { planManagement } from "../tests/support/plan";
import { decide } from "../tests/support/iam";
(async () => {
  const plan = await planManagement();
  const wf = plan.role("idc-jit-dev-grant-workflow");
  console.log(await decide({ principal: "arn:aws:iam::111122223333:role/idc-jit-dev-grant-workflow", action: "sso:CreateAccountAssignment", resource: "arn:aws:sso:::permissionSet/ssoins-68047a3b2c1d9e0f/ps-0123456789abcdef", resourceAccount: "111122223333", identityPolicies: [wf.policy] }));
  console.log(await decide({ principal: "arn:aws:iam::111122223333:role/idc-jit-dev-grant-workflow", action: "sso:CreateAccountAssignment", resource: "arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0123456789abcdef", resourceAccount: "111122223333", identityPolicies: [wf.policy] }));
  const bus = plan.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy");
  const busPolicy = plan.jsonInput(bus, "policy");
  console.log(JSON.stringify(busPolicy));
  console.log(await decide({ principal: "arn:aws:iam::444455556666:role/idc-jit-dev-request", action: "events:PutEvents", resource: "arn:aws:events:eu-west-1:111122223333:event-bus/idc-jit-dev-access-requests", resourceAccount: "111122223333", resourcePolicy: busPolicy, identityPolicies: [{Version:"2012-10-17", Statement:[{Effect:"Allow", Action:"events:PutEvents", Resource:"*"}]}] }));
  console.log(await decide({ principal: "arn:aws:iam::444455556666:role/other", action: "events:PutEvents", resource: "arn:aws:events:eu-west-1:111122223333:event-bus/idc-jit-dev-access-requests", resourceAccount: "111122223333", resourcePolicy: busPolicy, identityPolicies: [{Version:"2012-10-17", Statement:[{Effect:"Allow", Action:"events:PutEvents", Resource:"*"}]}] }));
  const trust = wf.trust;
  console.log(await decide({ principal: "ssm.amazonaws.com", action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/idc-jit-dev-grant-workflow", resourceAccount: "111122223333", resourcePolicy: trust, context: {"aws:SourceAccount": "111122223333", "aws:SourceArn": "arn:aws:ssm:eu-west-1:111122223333:automation-execution/abc"} }));
  console.log(await decide({ principal: "ssm.amazonaws.com", action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/idc-jit-dev-grant-workflow", resourceAccount: "111122223333", resourcePolicy: trust, context: {"aws:SourceAccount": "999999999999", "aws:SourceArn": "arn:aws:ssm:eu-west-1:999999999999:automation-execution/abc"} }));
})().catch((e) => { console.error("ERR", e); process.exit(1); });
