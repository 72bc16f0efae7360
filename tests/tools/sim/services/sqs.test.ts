/**
 * The minimal SQS fake (the schedules' dead-letter queue): SendMessage, ReceiveMessage with the visibility timeout on
 * the virtual clock, DeleteMessage by receipt handle, and the queue policy deciding other accounts' access.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { World } from "../../../../tools/sim/world";
import { ACCOUNT, REGION, STARTER } from "../support/automation";
import { awsError } from "../support/aws";

const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq`;
const OTHER = { ...STARTER, account: "444455556666", roleArn: "arn:aws:iam::444455556666:role/Reader" };

function queueWorld() {
  const world = new World();
  const url = world.sqs.createQueue(ACCOUNT, REGION, "dlq");
  return { world, url };
}

describe("the SQS fake", () => {
  it("names the queue by URL and ARN as SQS does", () => {
    const { world, url } = queueWorld();
    assert.equal(url, `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/dlq`);
    assert.equal(world.sqs.urlOf(QUEUE_ARN), url);
  });

  it("hands a sent message out once per visibility timeout, and forgets it once deleted", async () => {
    const { world, url } = queueWorld();
    const sent = (await world.callAws("sqs", "SendMessage", { QueueUrl: url, MessageBody: "event" }, STARTER)) as {
      MessageId: string;
      MD5OfMessageBody: string;
    };
    assert.equal(sent.MD5OfMessageBody, createHash("md5").update("event").digest("hex"));
    type Received = { Messages: { MessageId: string; ReceiptHandle: string; Body: string }[] };
    const receive = () =>
      world.callAws("sqs", "ReceiveMessage", { QueueUrl: url, VisibilityTimeout: 60 }, STARTER) as Promise<Received>;
    const first = await receive();
    assert.deepEqual(
      first.Messages.map((m) => [m.MessageId, m.Body]),
      [[sent.MessageId, "event"]],
    );
    assert.deepEqual((await receive()).Messages, [], "invisible for its visibility timeout");
    await world.run(world.clock.now() + 60_000);
    const again = await receive();
    assert.equal(again.Messages.length, 1);
    await assert.rejects(
      world.callAws("sqs", "DeleteMessage", { QueueUrl: url, ReceiptHandle: first.Messages[0].ReceiptHandle }, STARTER),
      awsError("ReceiptHandleIsInvalid"),
      "a receipt handle from an earlier receive is no longer valid",
    );
    await world.callAws(
      "sqs",
      "DeleteMessage",
      { QueueUrl: url, ReceiptHandle: again.Messages[0].ReceiptHandle },
      STARTER,
    );
    assert.deepEqual(world.sqs.messages(QUEUE_ARN), []);
  });

  it("refuses an empty body, a missing queue, and MaxNumberOfMessages outside 1 to 10", async () => {
    const { world, url } = queueWorld();
    await assert.rejects(
      world.callAws("sqs", "SendMessage", { QueueUrl: url, MessageBody: "" }, STARTER),
      awsError("MissingParameter"),
    );
    await assert.rejects(
      world.callAws("sqs", "SendMessage", { QueueUrl: `${url}-gone`, MessageBody: "x" }, STARTER),
      awsError("AWS.SimpleQueueService.NonExistentQueue"),
    );
    await assert.rejects(
      world.callAws("sqs", "ReceiveMessage", { QueueUrl: url, MaxNumberOfMessages: 11 }, STARTER),
      awsError("InvalidParameterValue"),
    );
  });

  it("lets another account in only where the queue policy allows it", async () => {
    const { world, url } = queueWorld();
    await assert.rejects(
      world.callAws("sqs", "SendMessage", { QueueUrl: url, MessageBody: "x" }, OTHER),
      awsError("AccessDenied"),
    );
    world.sqs.setQueuePolicy(
      url,
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: OTHER.roleArn }, Action: "sqs:SendMessage", Resource: QUEUE_ARN },
        ],
      }),
    );
    await world.callAws("sqs", "SendMessage", { QueueUrl: url, MessageBody: "x" }, OTHER);
    assert.equal(world.sqs.messages(QUEUE_ARN).length, 1);
  });
});
