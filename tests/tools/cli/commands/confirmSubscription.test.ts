import assert from "node:assert/strict";
import { ConfirmSubscriptionCommand, type ConfirmSubscriptionCommandInput, type SNSClient } from "@aws-sdk/client-sns";
import type { AwsSettings } from "../../../../tools/cli/errors";
import { runJit } from "../support/cli";
import { mockedSsm } from "../support/ssm";

const TOPIC = "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications";
const TOKEN = "2336412f37fb687f5d51e6e2425c464de257a0b3b2e3a4d1c5e9e39d2a4b6c8e";
const link = (params: Record<string, string>, host = "sns.eu-west-1.amazonaws.com") =>
  `https://${host}/?${new URLSearchParams(params).toString()}`;
const LINK = link({ Action: "ConfirmSubscription", TopicArn: TOPIC, Token: TOKEN });
/** The link an email confirmation message carries: SNS's confirmation page, with the subscriber's address. */
const EMAIL_LINK = `https://sns.eu-west-1.amazonaws.com/confirmation.html?${new URLSearchParams({
  TopicArn: TOPIC,
  Token: TOKEN,
  Endpoint: "security@example.com",
}).toString()}`;

describe("jit confirm-subscription", () => {
  // A stub, not aws-sdk-client-mock: other files mock the SNSClient class, which an instance mock here would clash with.
  const confirmed: ConfirmSubscriptionCommandInput[] = [];
  const sns = {
    async send(command: unknown) {
      if (!(command instanceof ConfirmSubscriptionCommand)) throw new Error("only ConfirmSubscription is expected");
      confirmed.push(command.input);
      return { SubscriptionArn: `${TOPIC}:0f1e2d3c-4b5a-4697-8877-000000000001` };
    },
  } as unknown as SNSClient;
  const asked: AwsSettings[] = [];
  beforeEach(() => {
    confirmed.length = 0;
    asked.length = 0;
  });
  const run = (argv: string[]) => runJit(mockedSsm().ssm, argv, { sns, asked });

  it("confirms the link's subscription with AuthenticateOnUnsubscribe, in the topic's Region", async () => {
    const result = await run(["confirm-subscription", LINK]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(confirmed, [{ TopicArn: TOPIC, Token: TOKEN, AuthenticateOnUnsubscribe: "true" }]);
    assert.deepEqual(
      asked.map((s) => s.region),
      ["eu-west-1"],
    );
    assert.match(result.stdout, /only the topic's owner \(or the subscription's\) can unsubscribe it now/);
  });

  it("takes the link of an email confirmation message (SNS's confirmation page), ignoring its Endpoint", async () => {
    const result = await run(["confirm-subscription", EMAIL_LINK]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(confirmed, [{ TopicArn: TOPIC, Token: TOKEN, AuthenticateOnUnsubscribe: "true" }]);
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
      /must open \/confirmation\.html, or be an Action=ConfirmSubscription request/,
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
      assert.deepEqual(confirmed, []);
    });
  }
});
