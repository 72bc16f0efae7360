import assert from "node:assert/strict";
import { AwsError, type Caller, errors } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { Ids } from "../../../../tools/sim/ids";
import {
  DELIVERY_DELAY_MS,
  EventBridgeFake,
  type EventEnvelope,
  type EventTargetSpec,
  eventBusArn,
  MAX_ATTEMPTS,
  MAX_EVENT_AGE_MS,
  MAX_RETRIES,
  ruleArn,
} from "../../../../tools/sim/services/eventBridge";
import { type Plan, sharedManagementPlan, sharedRequesterPlan } from "../../../support/plan";

// The example stacks' accounts and region (Pulumi.management-dev.yaml, Pulumi.requester-dev.yaml).
const MANAGEMENT = "111122223333";
const REQUESTER = "444455556666";
const OTHER_ACCOUNT = "777788889999";
const REGION = "eu-west-1";
const REQUEST_BUS = eventBusArn(MANAGEMENT, REGION, "idc-jit-dev-access-requests");

const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const caller = (account: string, roleName: string): Caller => ({
  account,
  region: REGION,
  roleArn: role(account, roleName),
  sessionName: "sim",
});

interface Invocation {
  target: EventTargetSpec;
  input: string;
  event: EventEnvelope;
  ruleArn: string;
  at: number;
}

/** A fake with a recording `deliver` that can be told to fail. */
function setup() {
  const clock = new VirtualClock();
  const invocations: Invocation[] = [];
  const failures: AwsError[] = [];
  const events = new EventBridgeFake(clock, new Ids("eventbridge-test"), async (target, input, event, rule) => {
    const failure = failures.shift();
    if (failure) throw failure;
    invocations.push({ target, input, event, ruleArn: rule, at: clock.now() - START_TIME });
  });
  return { clock, events, invocations, failures };
}

/** Loads a side's buses, bus policies, rules and targets as the plan declares them. */
function load(events: EventBridgeFake, plan: Plan, account: string): void {
  const declared = (type: string) =>
    plan.ofType(`aws:cloudwatch/${type}`).map((r) => r.inputs as Record<string, never>);
  for (const bus of declared("eventBus:EventBus")) events.createBus(account, REGION, bus.name);
  for (const policy of declared("eventBusPolicy:EventBusPolicy")) {
    events.putBusPolicy(eventBusArn(account, REGION, policy.eventBusName), policy.policy);
  }
  for (const { name, eventBusName, eventPattern, scheduleExpression } of declared("eventRule:EventRule")) {
    events.putRule({ account, region: REGION, name, eventBusName, eventPattern, scheduleExpression });
  }
  for (const target of declared("eventTarget:EventTarget")) {
    const { arn, roleArn, input, inputTransformer, eventBusName, rule } = target;
    events.putTarget(ruleArn(account, REGION, eventBusName ?? "default", rule), {
      arn,
      roleArn,
      input,
      inputTransformer,
    });
  }
}

async function bothSides() {
  const world = setup();
  load(world.events, await sharedManagementPlan(), MANAGEMENT);
  load(world.events, await sharedRequesterPlan(), REQUESTER);
  return world;
}

const ACCESS_REQUEST = {
  AccountId: "123456789012",
  PermissionSet: "ReadOnlyAccess",
  Duration: "2",
  DurationUnit: "hours",
  RequestingUser: "alice",
  Justification: 'incident "42"',
  RequesterExecutionId: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
};

/** The request runbook's PutEvents entry (idc-jit-dev-request-access, step Send_Request). */
const requestEntry = (detail: unknown = ACCESS_REQUEST) => ({
  EventBusName: REQUEST_BUS,
  Source: "identity-center-jit.requester",
  DetailType: "AccessRequest",
  Detail: JSON.stringify(detail),
});

const put = (events: EventBridgeFake, who: Caller, ...entries: unknown[]) =>
  events.call("PutEvents", { Entries: entries }, who) as Promise<{
    FailedEntryCount: number;
    Entries: Record<string, string>[];
  }>;

describe("EventBridge fake", () => {
  describe("PutEvents", () => {
    it("builds the event envelope from the entry, with the caller's account and region", async () => {
      const { events, clock } = setup();
      const response = await put(events, caller(REQUESTER, "app"), {
        Source: "com.example.app",
        DetailType: "Thing Happened",
        Detail: '{"a":{"b":[1,2]}}',
        Resources: ["arn:aws:s3:::bucket"],
      });
      assert.equal(response.FailedEntryCount, 0);
      const [{ EventId }] = response.Entries;
      assert.match(EventId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const defaultBus = eventBusArn(REQUESTER, REGION, "default");
      events.putRule({
        account: REQUESTER,
        region: REGION,
        name: "all",
        eventPattern: { source: ["com.example.app"] },
      });
      events.putTarget(ruleArn(REQUESTER, REGION, "default", "all"), { arn: "arn:aws:lambda:eu-west-1:1:function:f" });
      const second = await put(events, caller(REQUESTER, "app"), {
        EventBusName: defaultBus,
        Source: "com.example.app",
        DetailType: "Thing Happened",
        Detail: '{"a":1}',
      });
      await clock.run();
      const { deliveries } = events;
      assert.equal(deliveries.length, 1, "only the put made after the rule existed is delivered");
      assert.deepEqual(JSON.parse(deliveries[0].input), {
        version: "0",
        id: second.Entries[0].EventId,
        "detail-type": "Thing Happened",
        source: "com.example.app",
        account: REQUESTER,
        time: "2026-11-25T09:00:00Z",
        region: REGION,
        resources: [],
        detail: { a: 1 },
      });
    });

    it("answers failures per entry with the API's codes, and still puts the other entries", async () => {
      const { events } = setup();
      events.createBus(REQUESTER, REGION, "custom");
      const good = { Source: "com.example", DetailType: "T", Detail: "{}" };
      const response = await put(
        events,
        caller(REQUESTER, "app"),
        { ...good, Detail: "not json" },
        { ...good, Detail: '["an array"]' },
        { ...good, Source: undefined },
        { ...good, Source: "aws.ssm" },
        { ...good, EventBusName: "nope" },
        { ...good, EventBusName: "custom" },
      );
      assert.equal(response.FailedEntryCount, 5);
      assert.deepEqual(
        response.Entries.map((e) => e.ErrorCode ?? "ok"),
        [
          "MalformedDetail",
          "MalformedDetail",
          "InvalidArgument",
          "NotAuthorizedForSourceException",
          "ResourceNotFoundException",
          "ok",
        ],
      );
      assert.equal(response.Entries[4].ErrorMessage, "Event bus nope does not exist.");
    });

    it("refuses a call with no entries or more than 10 entries as a whole", async () => {
      const { events } = setup();
      const entry = { Source: "com.example", DetailType: "T", Detail: "{}" };
      for (const Entries of [[], Array(11).fill(entry), undefined]) {
        await assert.rejects(events.call("PutEvents", { Entries }, caller(REQUESTER, "app")), /ValidationException/);
      }
    });

    it("fails loudly on APIs it does not implement", async () => {
      const { events } = setup();
      await assert.rejects(events.call("ListRules", {}, caller(REQUESTER, "app")), /does not implement ListRules/);
    });
  });

  describe("cross-account puts under the project's request bus policy", () => {
    it("admits the requester's request role and events role", async () => {
      const { events } = await bothSides();
      for (const name of ["idc-jit-dev-request", "idc-jit-dev-requester-events"]) {
        const response = await put(events, caller(REQUESTER, name), requestEntry());
        assert.equal(response.FailedEntryCount, 0, name);
        assert.ok(response.Entries[0].EventId);
      }
    });

    it("refuses another role of the requester account, per entry, with AccessDeniedException", async () => {
      const { events, clock, invocations } = await bothSides();
      const response = await put(events, caller(REQUESTER, "idc-jit-dev-requester-notifications"), requestEntry());
      assert.deepEqual(response, {
        FailedEntryCount: 1,
        Entries: [
          {
            ErrorCode: "AccessDeniedException",
            ErrorMessage:
              "User: arn:aws:sts::444455556666:assumed-role/idc-jit-dev-requester-notifications/sim is not authorized " +
              `to perform: events:PutEvents on resource: ${REQUEST_BUS} because no resource-based policy allows the ` +
              "events:PutEvents action",
          },
        ],
      });
      await clock.run();
      assert.equal(invocations.length, 0, "a refused event starts nothing");
    });

    it("refuses a role of the same name in a third account, and any other account on a bus without a policy", async () => {
      const { events } = await bothSides();
      const stranger = await put(events, caller(OTHER_ACCOUNT, "idc-jit-dev-request"), requestEntry());
      assert.equal(stranger.Entries[0].ErrorCode, "AccessDeniedException");
      events.createBus(MANAGEMENT, REGION, "no-policy");
      const entry = { ...requestEntry(), EventBusName: eventBusArn(MANAGEMENT, REGION, "no-policy") };
      const response = await put(events, caller(REQUESTER, "idc-jit-dev-request"), entry);
      assert.equal(response.Entries[0].ErrorCode, "AccessDeniedException");
    });

    it("needs no policy for the bus's own account, but honours an explicit Deny even for it", async () => {
      const { events } = setup();
      const bus = events.createBus(MANAGEMENT, REGION, "guarded");
      const entry = { EventBusName: bus, Source: "com.example", DetailType: "T", Detail: "{}" };
      assert.equal((await put(events, caller(MANAGEMENT, "app"), entry)).FailedEntryCount, 0);
      events.putBusPolicy(
        bus,
        JSON.stringify({
          Statement: { Effect: "Deny", Principal: "*", Action: "events:*", Resource: bus },
        }),
      );
      const denied = await put(events, caller(MANAGEMENT, "app"), entry);
      assert.match(denied.Entries[0].ErrorMessage, /with an explicit deny in a resource-based policy$/);
    });

    it("admits by ArnLike, StringEquals on the account, and conditions on the entry's source", async () => {
      const { events } = setup();
      const bus = events.createBus(MANAGEMENT, REGION, "conditional");
      events.putBusPolicy(
        bus,
        JSON.stringify({
          Statement: {
            Effect: "Allow",
            Principal: { AWS: [REQUESTER] },
            Action: "events:Put*",
            Resource: "arn:aws:events:eu-west-1:111122223333:event-bus/*",
            Condition: {
              ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/app-*" },
              StringEquals: { "aws:PrincipalAccount": REQUESTER, "events:source": "com.example" },
            },
          },
        }),
      );
      const entry = { EventBusName: bus, Source: "com.example", DetailType: "T", Detail: "{}" };
      assert.equal((await put(events, caller(REQUESTER, "app-one"), entry)).FailedEntryCount, 0);
      assert.equal((await put(events, caller(REQUESTER, "other"), entry)).FailedEntryCount, 1);
      assert.equal(
        (await put(events, caller(REQUESTER, "app-one"), { ...entry, Source: "com.other" })).FailedEntryCount,
        1,
      );
    });

    it("refuses at putBusPolicy what it cannot evaluate, rather than allowing it", () => {
      const { events } = setup();
      const bus = events.createBus(MANAGEMENT, REGION, "strict");
      const statement = { Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: bus };
      const cases: [unknown, RegExp][] = [
        [
          { ...statement, Condition: { StringEqualsIgnoreCase: { "aws:PrincipalAccount": "1" } } },
          /operator StringEqualsIgnoreCase/,
        ],
        [{ ...statement, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }, /key aws:PrincipalOrgID/],
        [{ Effect: "Allow", NotPrincipal: { AWS: "*" }, Action: "events:PutEvents", Resource: bus }, /NotPrincipal/],
      ];
      for (const [Statement, message] of cases) {
        assert.throws(() => events.putBusPolicy(bus, JSON.stringify({ Statement })), message);
      }
    });
  });

  describe("rules and target delivery", () => {
    it("starts the grant workflow with the transformed request, a moment after the put", async () => {
      const { events, clock, invocations } = await bothSides();
      await put(events, caller(REQUESTER, "idc-jit-dev-request"), requestEntry());
      await clock.run(START_TIME + DELIVERY_DELAY_MS - 1);
      assert.equal(invocations.length, 0, "delivery is asynchronous");
      await clock.run();
      assert.equal(invocations.length, 1);
      const [invocation] = invocations;
      assert.equal(invocation.at, DELIVERY_DELAY_MS);
      assert.equal(
        invocation.target.arn,
        "arn:aws:ssm:eu-west-1:111122223333:automation-definition/idc-jit-dev-grant-access:1",
      );
      assert.equal(invocation.target.roleArn, role(MANAGEMENT, "idc-jit-dev-grant-rule"));
      assert.equal(
        invocation.ruleArn,
        ruleArn(MANAGEMENT, REGION, "idc-jit-dev-access-requests", "idc-jit-dev-start-grant"),
      );
      assert.deepEqual(
        JSON.parse(invocation.input),
        Object.fromEntries(Object.entries(ACCESS_REQUEST).map(([k, v]) => [k, [v]])),
      );
      assert.deepEqual(
        events.deliveries.map((d) => [d.time, d.ruleArn, d.targetArn]),
        [["2026-11-25T09:00:00.500Z", invocation.ruleArn, invocation.target.arn]],
      );
    });

    it("does not fire a rule whose pattern does not match: a request put by the management account itself", async () => {
      const { events, clock, invocations } = await bothSides();
      const response = await put(events, caller(MANAGEMENT, "anyone"), requestEntry());
      assert.equal(response.FailedEntryCount, 0, "the bus's own account may put");
      await clock.run();
      assert.equal(invocations.length, 0, "the rule names the requester account");
    });

    it("sends the whole event as JSON without a transformer, or the target's constant Input", async () => {
      const { events, clock, invocations } = setup();
      const rule = events.putRule({
        account: REQUESTER,
        region: REGION,
        name: "r",
        eventPattern: '{"source":["com.example"]}',
      });
      events.putTarget(rule, { arn: "arn:aws:lambda:eu-west-1:444455556666:function:whole" });
      events.putTarget(rule, {
        arn: "arn:aws:lambda:eu-west-1:444455556666:function:constant",
        input: '{"fixed":true}',
      });
      const response = await put(events, caller(REQUESTER, "app"), {
        Source: "com.example",
        DetailType: "T",
        Detail: "{}",
      });
      await clock.run();
      assert.equal(JSON.parse(invocations[0].input).id, response.Entries[0].EventId);
      assert.equal(invocations[1].input, '{"fixed":true}');
    });

    it("retries a throttled delivery with back-off, and records the attempts it took", async () => {
      const { events, clock, invocations, failures } = await bothSides();
      failures.push(errors.throttling(), errors.throttling());
      await put(events, caller(REQUESTER, "idc-jit-dev-request"), requestEntry());
      await clock.run();
      assert.equal(invocations.length, 1);
      // Exponential with a randomized delay: half to all of 1 s, then of 2 s.
      const waited = invocations[0].at - DELIVERY_DELAY_MS;
      assert.ok(waited >= 500 + 1000 && waited <= 1000 + 2000, `retried after ${waited} ms`);
      assert.equal(events.deliveries[0].attempts, 3);
      assert.equal(events.failedInvocations.length, 0);
    });

    it(`keeps retrying a retryable failure for up to 24 hours and ${MAX_RETRIES} retries, with capped back-off`, async () => {
      const { events, clock, invocations, failures } = await bothSides();
      failures.push(...Array.from({ length: 60 }, () => errors.throttling()));
      await put(events, caller(REQUESTER, "idc-jit-dev-request"), requestEntry());
      await clock.run();
      assert.equal(invocations.length, 1, "delivered once the target recovered, an hour and more later");
      assert.equal(events.deliveries[0].attempts, 61);
      assert.ok(invocations[0].at > 3600_000 && invocations[0].at < MAX_EVENT_AGE_MS);
    });

    it("records a non-retryable delivery error as a failed invocation, without retrying", async () => {
      const { events, clock, invocations, failures } = await bothSides();
      failures.push(new AwsError("InvalidAutomationExecutionParametersException", "bad parameter"));
      await put(events, caller(REQUESTER, "idc-jit-dev-request"), requestEntry());
      await clock.run();
      assert.equal(invocations.length, 0);
      assert.equal(events.failedInvocations.length, 1);
      const [failure] = events.failedInvocations;
      assert.equal(failure.error.code, "InvalidAutomationExecutionParametersException");
      assert.equal(
        failure.ruleArn,
        ruleArn(MANAGEMENT, REGION, "idc-jit-dev-access-requests", "idc-jit-dev-start-grant"),
      );
      assert.equal(failure.attempts, 1);
    });

    it(`gives up after ${MAX_ATTEMPTS} attempts that all fail with retryable errors`, async () => {
      const { events, clock, invocations, failures } = await bothSides();
      failures.push(...Array.from({ length: MAX_ATTEMPTS }, () => errors.throttling()));
      await put(events, caller(REQUESTER, "idc-jit-dev-request"), requestEntry());
      await clock.run();
      assert.equal(invocations.length, 0);
      assert.deepEqual(
        events.failedInvocations.map((f) => [f.error.code, f.attempts]),
        [["ThrottlingException", MAX_ATTEMPTS]],
      );
    });

    it("gives up once an event is older than the target's retry policy allows, and sends it to the target's dead-letter queue", async () => {
      const clock = new VirtualClock();
      const dead: { queue: string; body: string; attributes: Record<string, string> }[] = [];
      const events = new EventBridgeFake(
        clock,
        new Ids("dead-letters"),
        async () => {
          throw errors.throttling();
        },
        () => "from-a-second",
        async (queue, body, attributes) => {
          dead.push({ queue, body, attributes });
        },
      );
      const bus = events.createBus(MANAGEMENT, REGION, "requests");
      const rule = events.putRule({
        account: MANAGEMENT,
        region: REGION,
        name: "start",
        eventBusName: "requests",
        eventPattern: '{"source":["jit"]}',
      });
      const queue = `arn:aws:sqs:${REGION}:${MANAGEMENT}:dead-letters`;
      const target = `arn:aws:ssm:${REGION}:${MANAGEMENT}:automation-definition/grant:$LATEST`;
      events.putTarget(rule, { arn: target, deadLetterArn: queue, retryPolicy: { maximumEventAgeSeconds: 600 } });
      await put(events, caller(MANAGEMENT, "sender"), {
        EventBusName: bus,
        Source: "jit",
        DetailType: "t",
        Detail: "{}",
      });
      await clock.run();
      assert.equal(dead.length, 1);
      assert.equal(dead[0].queue, queue);
      assert.equal(JSON.parse(dead[0].body)["detail-type"], "t", "the body is the event itself");
      assert.equal(dead[0].attributes.EXHAUSTED_RETRY_CONDITION, "MaximumEventAgeInSeconds");
      assert.equal(dead[0].attributes.ERROR_CODE, "ThrottlingException");
      assert.equal(dead[0].attributes.RULE_ARN, rule);
      assert.equal(dead[0].attributes.TARGET_ARN, target);
      assert.ok(clock.now() - START_TIME <= 600_000, "within the policy's ten minutes");
    });

    it("stores scheduled rules without firing them, and only on the default bus", async () => {
      const { events, clock, invocations } = await bothSides();
      await clock.run(START_TIME + 60 * 60 * 1000);
      assert.equal(invocations.length, 0, "the 15-minute permission set sync is not fired");
      events.createBus(MANAGEMENT, REGION, "custom");
      assert.throws(
        () =>
          events.putRule({
            account: MANAGEMENT,
            region: REGION,
            name: "s",
            eventBusName: "custom",
            scheduleExpression: "rate(1 hour)",
          }),
        /supported only on the default event bus/,
      );
    });

    it("refuses a malformed pattern at putRule, and an undefined placeholder at putTarget", () => {
      const { events } = setup();
      assert.throws(
        () => events.putRule({ account: REQUESTER, region: REGION, name: "bad", eventPattern: '{"source":"aws.ssm"}' }),
        /InvalidEventPatternException/,
      );
      const rule = events.putRule({ account: REQUESTER, region: REGION, name: "ok", eventPattern: '{"source":["x"]}' });
      assert.throws(
        () =>
          events.putTarget(rule, {
            arn: "arn:aws:lambda:eu-west-1:444455556666:function:f",
            inputTransformer: { inputPaths: {}, inputTemplate: '{"a":[<Undefined>]}' },
          }),
        /invalid placeholder Undefined/,
      );
    });
  });

  describe("project rules on CloudTrail events", () => {
    /** A SendAutomationSignal call as CloudTrail sends it, by a session of the role with unique id `issuer`. */
    const approval = (issuer: string) => ({
      source: "aws.ssm",
      "detail-type": "AWS API Call via CloudTrail",
      detail: {
        eventSource: "ssm.amazonaws.com",
        eventName: "SendAutomationSignal",
        eventTime: "2026-11-25T09:00:00Z",
        sourceIPAddress: "192.0.2.1",
        userAgent: "console",
        userIdentity: { principalId: `${issuer}:bob`, sessionContext: { sessionIssuer: { principalId: issuer } } },
        requestParameters: { automationExecutionId: "exec-1", signalType: "Approve" },
        responseElements: null,
      },
    });
    const notifierRule = ruleArn(MANAGEMENT, REGION, "idc-jit-dev-access-requests", "idc-jit-dev-request-notifier");

    it("forwards a person's approval, as CloudTrail recorded it, to the management side's notifier", async () => {
      const { events, clock, invocations } = await bothSides();
      const record = approval("AROAPERSONPERSONPERSON");
      events.emit(REQUESTER, REGION, record);
      await clock.run();
      const notified = invocations.filter((i) => i.ruleArn === notifierRule);
      assert.equal(notified.length, 1);
      const delivered = JSON.parse(notified[0].input);
      assert.equal(delivered.source, "aws.ssm");
      assert.equal(delivered.account, REQUESTER);
      assert.deepEqual(delivered.detail, record.detail);
    });

    it("does not notify a call that failed (errorCode exists)", async () => {
      const { events, clock, invocations } = await bothSides();
      const failed = approval("AROAPERSONPERSONPERSON");
      events.emit(REQUESTER, REGION, { ...failed, detail: { ...failed.detail, errorCode: "AccessDenied" } });
      await clock.run();
      assert.equal(invocations.filter((i) => i.ruleArn === notifierRule).length, 0);
    });

    it("refuses to emit an event whose source is not an AWS service's", () => {
      const { events } = setup();
      assert.throws(
        () => events.emit(REQUESTER, REGION, { ...approval("x"), source: "com.example" }),
        /AWS service events/,
      );
    });
  });

  describe("bus-to-bus forwarding", () => {
    /** The CloudTrail event of a request refused for invalid parameters (idc-jit-dev-request-access). */
    const refusedRequest = {
      source: "aws.ssm",
      "detail-type": "AWS API Call via CloudTrail",
      detail: {
        eventSource: "ssm.amazonaws.com",
        eventName: "CreateAssociation",
        errorCode: "InvalidParameters",
        eventTime: "2026-11-25T09:00:00Z",
        userIdentity: { arn: "arn:aws:sts::444455556666:assumed-role/ChatUser/alice" },
        requestParameters: { name: "idc-jit-dev-request-access" },
      },
    };
    const forwardRule = ruleArn(REQUESTER, REGION, "default", "idc-jit-dev-invalid-request-forward");
    const alertRule = ruleArn(MANAGEMENT, REGION, "idc-jit-dev-access-requests", "idc-jit-dev-invalid-request-alert");

    it("forwards the requester's refused request to the management bus, keeping the requester's account", async () => {
      const { events, clock, invocations } = await bothSides();
      const emitted = events.emit(REQUESTER, REGION, refusedRequest);
      await clock.run();
      assert.deepEqual(
        events.deliveries.map((d) => [d.time, d.busArn, d.ruleArn, d.targetArn]),
        [
          ["2026-11-25T09:00:00.500Z", eventBusArn(REQUESTER, REGION, "default"), forwardRule, REQUEST_BUS],
          [
            "2026-11-25T09:00:01.000Z",
            REQUEST_BUS,
            alertRule,
            "arn:aws:ssm:eu-west-1:111122223333:automation-definition/idc-jit-dev-invalid-request-alert:1",
          ],
        ],
      );
      const [alert] = invocations;
      assert.deepEqual(alert.event, emitted, "the event arrives unchanged");
      assert.equal(alert.event.account, REQUESTER);
      assert.deepEqual(JSON.parse(alert.input), {
        EventTime: ["2026-11-25T09:00:00Z"],
        Principal: ["arn:aws:sts::444455556666:assumed-role/ChatUser/alice"],
      });
    });

    it("refuses to forward when the destination bus's policy does not admit the target's role", async () => {
      const { events, clock, invocations } = setup();
      load(events, await sharedManagementPlan(), MANAGEMENT);
      const rule = events.putRule({
        account: REQUESTER,
        region: REGION,
        name: "fwd",
        eventPattern: '{"source":["aws.ssm"]}',
      });
      events.putTarget(rule, { arn: REQUEST_BUS, roleArn: role(REQUESTER, "idc-jit-dev-requester-notifications") });
      events.emit(REQUESTER, REGION, refusedRequest);
      await clock.run();
      assert.equal(invocations.length, 0);
      assert.deepEqual(
        events.failedInvocations.map((f) => [f.ruleArn, f.targetArn, f.error.code]),
        [[rule, REQUEST_BUS, "AccessDeniedException"]],
      );
    });

    it("does not forward an event that already came from another bus", async () => {
      const { events, clock } = await bothSides();
      const onward = events.putRule({
        account: MANAGEMENT,
        region: REGION,
        name: "onward",
        eventBusName: "idc-jit-dev-access-requests",
        eventPattern: '{"source":["aws.ssm"]}',
      });
      const third = events.createBus(MANAGEMENT, REGION, "third");
      events.putTarget(onward, { arn: third, roleArn: role(MANAGEMENT, "forwarder") });
      events.emit(REQUESTER, REGION, refusedRequest);
      await clock.run();
      assert.deepEqual(
        events.failedInvocations.map((f) => [f.ruleArn, f.error.code]),
        [[onward, "NotForwarded"]],
      );
      assert.ok(!events.deliveries.some((d) => d.busArn === third || d.targetArn === third));
    });
  });
});
