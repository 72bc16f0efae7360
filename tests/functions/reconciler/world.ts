/**
 * The reconciler's test world: the grant ledger on dynalite (the real DynamoDB API and client), IAM Identity Center
 * (./identityCenter.ts), SNS, EventBridge Scheduler and the dead-letter queues (SQS) through aws-sdk-client-mock, and a
 * clock the test moves.
 */
import { GetItemCommand, type GetItemCommandOutput } from "@aws-sdk/client-dynamodb";
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import type { NewGrant } from "../../../functions/ledger/types";
import { type RunReport, reconcile } from "../../../functions/reconciler";
import type { Assignment } from "../../../functions/reconciler/run";
import { type ReconcilerSettings, validSettings } from "../../../functions/reconciler/settings";
import type { EventType } from "../../../shared/events";
import { type GrantRecord, LEDGER_KEY } from "../../../shared/grantLedger";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { activeGrant, type TestLedger, testLedger } from "../../support/ledger";
import { FakeIdentityCenter } from "./identityCenter";

export const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
export const ADMIN = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-000000000000000a";
export const READER = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-000000000000000b";
export const ACCOUNTS = ["111111111111", "222222222222", "333333333333"];
export const userId = (n: number) => `9a67e2b1c3-0123abcd-4567-89ab-cdef-${String(n).padStart(12, "0")}`;
export const groupId = (n: number) => `9067a1b2c3-1234abcd-12ab-34cd-56ef-${String(n).padStart(12, "0")}`;
export const requestId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

export interface Published {
  eventType: string;
  subject: string;
  message: string;
}

const sns = mockClient(SNSClient);
const scheduler = mockClient(SchedulerClient);
const sqs = mockClient(SQSClient);

export const REQUEST_DEAD_LETTERS = "https://sqs.eu-west-1.amazonaws.com/999999999999/jit-request-dead-letters";
export const END_DEAD_LETTERS = "https://sqs.eu-west-1.amazonaws.com/999999999999/jit-end-dead-letters";

/** A message in a dead-letter queue, as EventBridge or Scheduler leaves it. */
export interface DeadLetter {
  body: string;
  attributes: Record<string, string>;
  receipt: string;
  /** Received and not yet visible again (the test world has no clock for it: received once, hidden for good). */
  hidden: boolean;
}

export const TOPIC_ARN = "arn:aws:sns:eu-west-1:999999999999:jit-notifications";
export const SUBSCRIBER = "security@example.com";
/** The event types the configured subscriber asked for, and so its subscription's filter policy. */
export const SUBSCRIBER_EVENTS: EventType[] = ["AccessGranted", "Error"];
export const FILTER_POLICY = JSON.stringify({ EventType: SUBSCRIBER_EVENTS });

/** A subscription to the notification topic, as ListSubscriptionsByTopic and GetSubscriptionAttributes show it. */
export interface TopicSubscription {
  protocol: string;
  endpoint: string;
  /** False: still waiting for its confirmation (its ARN is then `PendingConfirmation`). */
  confirmed: boolean;
  /** The `ConfirmationWasAuthenticated` attribute. */
  authenticated: boolean;
  /** The `FilterPolicy` attribute (scope MessageAttributes). */
  filterPolicy?: string;
}

export interface World extends TestLedger {
  /** The dynalite server the ledger's table is on. */
  db: Dynalite;
  ic: FakeIdentityCenter;
  published: Published[];
  /** The dead-letter queues' messages by queue URL. */
  queues: Map<string, DeadLetter[]>;
  /** The notification topic's subscriptions: at first the configured subscriber's, confirmed with authentication. */
  subscriptions: TopicSubscription[];
  settings: ReconcilerSettings;
  /** One run, as the scheduled Lambda would make it, at the clock's time. */
  run(over?: Partial<ReconcilerSettings>): Promise<RunReport>;
  /** An active grant of `set` on `accountId` to user `user`, granted at the clock's time for `minutes`. */
  grant(n: number, user: number, accountId: string, set?: string, minutes?: number): Promise<GrantRecord>;
  /** The user assignment a grant made. */
  assignmentOf(g: GrantRecord): Assignment;
  /** Every schedule the runs asked Scheduler to create. */
  schedulesMade(): CreateScheduleCommandInput[];
  item(key: string): Promise<GetItemCommandOutput["Item"]>;
  close(): void;
}

export async function world(db: Dynalite): Promise<World> {
  const l = await testLedger(db);
  const ic = new FakeIdentityCenter();
  const published: Published[] = [];
  const queues = new Map<string, DeadLetter[]>([
    [REQUEST_DEAD_LETTERS, []],
    [END_DEAD_LETTERS, []],
  ]);
  sns.reset();
  scheduler.reset();
  sqs.reset();
  sqs.on(ReceiveMessageCommand).callsFake(async (input) => {
    const visible = (queues.get(input.QueueUrl ?? "") ?? []).filter((m) => !m.hidden);
    const batch = visible.slice(0, input.MaxNumberOfMessages ?? 1);
    for (const m of batch) m.hidden = true;
    return {
      Messages: batch.map((m) => ({
        MessageId: m.receipt,
        ReceiptHandle: m.receipt,
        Body: m.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(m.attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
        ),
      })),
    };
  });
  sqs.on(DeleteMessageCommand).callsFake(async (input) => {
    const queue = queues.get(input.QueueUrl ?? "") ?? [];
    const at = queue.findIndex((m) => m.receipt === input.ReceiptHandle);
    if (at >= 0) queue.splice(at, 1);
    return {};
  });
  const subscriptions: TopicSubscription[] = [
    { protocol: "email", endpoint: SUBSCRIBER, confirmed: true, authenticated: true, filterPolicy: FILTER_POLICY },
  ];
  const subscriptionArn = (i: number) => `${TOPIC_ARN}:0f1e2d3c-4b5a-4697-8877-${String(i).padStart(12, "0")}`;
  sns.on(ListSubscriptionsByTopicCommand).callsFake(async () => ({
    Subscriptions: subscriptions.map((x, i) => ({
      TopicArn: TOPIC_ARN,
      Protocol: x.protocol,
      Endpoint: x.endpoint,
      SubscriptionArn: x.confirmed ? subscriptionArn(i) : "PendingConfirmation",
    })),
  }));
  sns.on(GetSubscriptionAttributesCommand).callsFake(async (input) => {
    const found = subscriptions.find((_, i) => subscriptionArn(i) === input.SubscriptionArn);
    if (!found) throw Object.assign(new Error("Subscription does not exist"), { name: "NotFoundException" });
    return {
      Attributes: {
        ConfirmationWasAuthenticated: String(found.authenticated),
        ...(found.filterPolicy !== undefined && {
          FilterPolicy: found.filterPolicy,
          FilterPolicyScope: "MessageAttributes",
        }),
      },
    };
  });
  sns.on(PublishCommand).callsFake(async (input) => {
    published.push({
      eventType: input.MessageAttributes?.EventType?.StringValue ?? "",
      subject: input.Subject ?? "",
      message: input.Message ?? "",
    });
    return { MessageId: `m-${published.length}` };
  });
  scheduler.on(DeleteScheduleCommand).resolves({});
  const settings = validSettings({
    instanceArn: INSTANCE,
    tableName: l.tableName,
    topicArn: TOPIC_ARN,
    permissionSets: { Admin: ADMIN, Reader: READER },
    standingAccess: [{ principalType: "GROUP", principalId: groupId(1), permissionSetArn: ADMIN, accountId: "*" }],
    schedule: {
      groupName: "jit-grant-ends",
      roleArn: "arn:aws:iam::999999999999:role/jit-scheduler",
      deadLetterArn: "arn:aws:sqs:eu-west-1:999999999999:jit-end-dead-letters",
      documentName: "jit-end-access",
    },
    deadLetterQueues: [
      { kind: "request", url: REQUEST_DEAD_LETTERS },
      { kind: "end", url: END_DEAD_LETTERS },
    ],
    subscribers: [{ email: SUBSCRIBER, events: SUBSCRIBER_EVENTS }],
  });
  const clients = {
    ssoAdmin: ic.client,
    sns: new SNSClient({ region: "eu-west-1" }),
    dynamodb: db.client,
    scheduler: new SchedulerClient({ region: "eu-west-1" }),
    sqs: new SQSClient({ region: "eu-west-1" }),
  };
  const assignmentOf = (g: GrantRecord): Assignment => ({
    principalType: "USER",
    principalId: g.userId,
    permissionSetArn: g.permissionSetArn,
    accountId: g.accountId,
  });
  return {
    ...l,
    db,
    ic,
    published,
    queues,
    subscriptions,
    settings,
    schedulesMade: () => scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input),
    run: (over = {}) =>
      reconcile(clients, { ...settings, ...over }, { getRemainingTimeInMillis: () => 60_000, now: () => l.clock.now }),
    async grant(n, user, accountId, set = ADMIN, minutes = 60) {
      const r: NewGrant = {
        requestId: requestId(n),
        grantExecutionId: requestId(1000 + n),
        userName: `user${user}`,
        userId: userId(user),
        permissionSet: set === ADMIN ? "Admin" : "Reader",
        permissionSetArn: set,
        accountId,
        durationMinutes: minutes,
        approvers: ["approver"],
      };
      const g = await activeGrant(l, r);
      ic.assign(assignmentOf(g));
      return g;
    },
    assignmentOf,
    async item(key) {
      const { Item } = await db.client.send(
        new GetItemCommand({ TableName: l.tableName, Key: { [LEDGER_KEY]: { S: key } }, ConsistentRead: true }),
      );
      return Item;
    },
    close: () => ic.restore(),
  };
}

/** Minutes on the world's clock. */
export const minutes = (n: number) => n * 60_000;

/**
 * Registers, inside a describe, one dynalite server for the file and a fresh world for each test; answers the world,
 * one object whose fields are the current test's world.
 */
export function useWorld(): World {
  let db: Dynalite;
  const current = {} as World;
  before(async () => {
    db = await startDynalite();
  });
  after(async () => db.close());
  beforeEach(async () => {
    Object.assign(current, await world(db));
  });
  afterEach(() => current.close());
  return current;
}
