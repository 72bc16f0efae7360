import assert from "node:assert/strict";
import { ConfirmSubscriptionCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import type { AwsSettings } from "../../../../tools/cli/errors";
import { runJit } from "../support/cli";
import { mockedSsm } from "../support/ssm";

const TOPIC = "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications";
const TOKEN = "2336412f37fb687f5d51e6e2425c464de257a0b3b2e3a4d1c5e9e39d2a4b6c8e";
const link = (params: Record<string, string>, host = "sns.eu-west-1.amazonaws.com") =>
  `https://${host}/?${new URLSearchParams(params).toString()}`;
const LINK = link({ Action: "ConfirmSubscription", TopicArn: TOPIC, Token: TOKEN });

describe("jit confirm-subscription", () => {
  const sns = new SNSClient({ region: "eu-west-1", credentials: { accessKeyId: "TEST", secretAccessKey: "TEST" } });
  const mock = mockClient(sns);
  const asked: AwsSettings[] = [];
  beforeEach(() => {
    mock.reset();
    asked.length = 0;
    mock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${TOPIC}:0f1e2d3c-4b5a-4697-8877-000000000001` });
  });
  const run = (argv: string[]) => runJit(mockedSsm().ssm, argv, { sns, asked });

  it("confirms the link's subscription with AuthenticateOnUnsubscribe, in the topic's Region", async () => {
    const result = await run(["confirm-subscription", LINK]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      mock.commandCalls(ConfirmSubscriptionCommand).map((c) => c.args[0].input),
      [{ TopicArn: TOPIC, Token: TOKEN, AuthenticateOnUnsubscribe: "true" }],
    );
    assert.deepEqual(
      asked.map((s) => s.region),
      ["eu-west-1"],
    );
    assert.match(result.stdout, /only the topic's owner \(or the subscription's\) can unsubscribe it now/);
  });

  const bad: [string, string, RegExp][] = [
    ["not a URL", "confirm me", /it is not a URL/],
    [
      "another host",
      link({ Action: "ConfirmSubscription", TopicArn: TOPIC, Token: TOKEN }, "sns.example.com"),
      /https:\/\/sns\.<region>\.amazonaws\.com/,
    ],
    [
      "an unsubscribe link",
      link({ Action: "Unsubscribe", TopicArn: TOPIC, Token: TOKEN }),
      /Action must be ConfirmSubscription/,
    ],
    [
      "a topic in another Region",
      link({ Action: "ConfirmSubscription", TopicArn: TOPIC.replace("eu-west-1", "us-east-1"), Token: TOKEN }),
      /in the endpoint's Region/,
    ],
    ["no token", link({ Action: "ConfirmSubscription", TopicArn: TOPIC }), /Token must be the token from the link/],
  ];
  for (const [what, given, message] of bad) {
    it(`refuses ${what}, naming the rule, and confirms nothing (exit 2)`, async () => {
      const result = await run(["confirm-subscription", given]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /<link> must be the "Confirm subscription" link of the confirmation message/);
      assert.match(result.stderr, message);
      assert.equal(mock.commandCalls(ConfirmSubscriptionCommand).length, 0);
    });
  }
});
