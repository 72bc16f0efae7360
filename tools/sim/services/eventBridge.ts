/**
 * The EventBridge fake: event buses with resource policies, rules with event patterns, and targets. `PutEvents` and
 * AWS service events (`emit`) land on a bus; each matching rule's targets are invoked a moment later on the virtual
 * clock, through `deliver`, or, for a target that is another event bus, by forwarding the event there.
 *
 * Simplifications: scheduled rules (ScheduleExpression) are stored but never fired; IAM identity policies are not
 * evaluated (a same-account put or forward needs only the absence of an explicit Deny in the bus policy).
 *
 * A retryable delivery error (throttling, a service error) is retried as EventBridge's default retry policy does:
 * "By default, EventBridge retries sending the event for 24 hours and up to 185 times with an exponential back off
 * and randomized delay" ("Event retry policy and using dead-letter queues", EventBridge user guide). The page gives
 * no base or ceiling for the back-off; the simulator doubles from a second (or a minute: variant
 * deliveryRetryBackoff) up to RETRY_MAX_DELAY_MS and draws each delay between half and all of that, from the world's
 * seeded ids. An error EventBridge does not retry (a refused permission, a missing resource) fails at once.
 *
 * A target with a dead-letter queue gets the event there once delivery has failed for good: "EventBridge sends the
 * event to the DLQ" with the message attributes ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION (when retries ran
 * out), RETRY_ATTEMPTS, RULE_ARN and TARGET_ARN ("Using dead-letter queues to process undelivered events in
 * EventBridge"); the body is the event itself.
 */
import { type ApiInput, AwsError, type Caller, errors, type ServiceFake, sessionArn, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";
import type { AwsBehaviour } from "../variants";
import { matchesPattern, validatePattern } from "./eventPattern";
import { type InputTransformer, transformInput, validateInputTransformer } from "./inputTransformer";
import { type CompiledPolicy, compileResourcePolicy, evaluate, type RequestPrincipal } from "./resourcePolicy";

/** An event as EventBridge delivers it ("Amazon EventBridge events"). */
export interface EventEnvelope {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A rule's target, as PutTargets takes it. */
export interface EventTargetSpec {
  arn: string;
  roleArn?: string;
  /** DeadLetterConfig.Arn: the SQS queue that gets an event whose delivery failed for good. */
  deadLetterArn?: string;
  /** RetryPolicy: how long and how often a failed delivery is retried (EventBridge's defaults when absent). */
  retryPolicy?: { maximumEventAgeSeconds?: number; maximumRetryAttempts?: number };
  /** JSON text sent instead of the event. */
  input?: string;
  inputTransformer?: InputTransformer;
}

export interface RuleSpec {
  account: string;
  region: string;
  name: string;
  /** A bus name in the rule's account and region; `default` when omitted. */
  eventBusName?: string;
  /** JSON text or the parsed pattern. */
  eventPattern?: string | Record<string, unknown>;
  scheduleExpression?: string;
}

/** An event an AWS service sends to an account's default bus (CloudTrail's "AWS API Call via CloudTrail"). */
export interface ServiceEvent {
  source: string;
  "detail-type": string;
  detail: unknown;
  resources?: string[];
  /** ISO 8601; the virtual now when omitted. */
  time?: string;
}

/** Invokes a target that is not an event bus (an Automation document, a Lambda function, ...). */
export type Deliver = (target: EventTargetSpec, input: string, event: EventEnvelope, ruleArn: string) => Promise<void>;
/** Sends an undelivered event to a target's dead-letter queue, as EventBridge does (from the rule's account). */
export type DeadLetter = (
  queueArn: string,
  body: string,
  attributes: Record<string, string>,
  ruleAccount: string,
) => Promise<void>;

export interface Delivery {
  time: string;
  busArn: string;
  ruleArn: string;
  targetArn: string;
  eventId: string;
  input: string;
  attempts: number;
}

export interface FailedInvocation {
  time: string;
  busArn: string;
  ruleArn: string;
  targetArn: string;
  eventId: string;
  error: { code: string; message: string };
  attempts: number;
}

type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

interface Bus {
  arn: string;
  account: string;
  region: string;
  name: string;
  policy?: CompiledPolicy;
}

interface Rule {
  arn: string;
  name: string;
  bus: Bus;
  pattern?: unknown;
  scheduleExpression?: string;
  targets: EventTargetSpec[];
}

/** Where an event is on its way: the bus it landed on, and whether it already came from another bus. */
interface Landing {
  bus: Bus;
  event: EventEnvelope;
  ingestionTime: string;
  forwarded: boolean;
}

export const DELIVERY_DELAY_MS = 500;
/** The default retry policy: retries, and how old an event may get before EventBridge stops retrying it. */
export const MAX_RETRIES = 185;
export const MAX_EVENT_AGE_MS = 24 * 3600_000;
/** The first attempt and every retry. */
export const MAX_ATTEMPTS = MAX_RETRIES + 1;
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_DELAY_MS = 8 * 60_000;
/** The first retry's wait as the variant reads the undocumented back-off (variant deliveryRetryBackoff). */
export const retryBaseMs = (backoff: AwsBehaviour["deliveryRetryBackoff"]) =>
  backoff === "from-a-minute" ? 60_000 : RETRY_BASE_MS;
// PutEvents takes 1 to 10 entries; rules take at most 5 targets (EventBridge quotas, API Reference).
const MAX_ENTRIES = 10;
const MAX_TARGETS = 5;

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([/.\-_A-Za-z0-9]{1,256})$/;

const partitionOf = (region: string) =>
  region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";

export function eventBusArn(account: string, region: string, name: string): string {
  return `arn:${partitionOf(region)}:events:${region}:${account}:event-bus/${name}`;
}

/** `rule/<bus>/<name>` on a custom bus, `rule/<name>` on the default bus. */
export function ruleArn(account: string, region: string, busName: string, name: string): string {
  const path = busName === "default" ? name : `${busName}/${name}`;
  return `arn:${partitionOf(region)}:events:${region}:${account}:rule/${path}`;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export class EventBridgeFake implements ServiceFake {
  readonly service = "events";
  private readonly buses = new Map<string, Bus>();
  private readonly rules = new Map<string, Rule>();
  private readonly delivered: Delivery[] = [];
  private readonly failed: FailedInvocation[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: Ids,
    private readonly deliver: Deliver,
    private readonly backoff: () => AwsBehaviour["deliveryRetryBackoff"] = () => "from-a-second",
    private readonly deadLetter?: DeadLetter,
  ) {}

  /** Successful target invocations, in order: which rule fired for which event. */
  get deliveries(): readonly Delivery[] {
    return this.delivered;
  }

  /** Invocations that failed for good (non-retryable error, retries exhausted, forward refused). */
  get failedInvocations(): readonly FailedInvocation[] {
    return this.failed;
  }

  // ---- Setup ----

  /** Creates a custom bus; every account and region also has a `default` bus. Returns its ARN. */
  createBus(account: string, region: string, name: string): string {
    if (name === "default" || !BUS_NAME.test(name)) throw errors.validation("Name", `${name} is not a custom bus name`);
    const arn = eventBusArn(account, region, name);
    if (this.buses.has(arn)) throw new AwsError("ResourceAlreadyExistsException", `Event bus ${name} already exists.`);
    this.buses.set(arn, { arn, account, region, name });
    return arn;
  }

  putBusPolicy(busArn: string, policyJson: string): void {
    const bus = this.findBus(busArn);
    if (!bus) throw notFound(busArn);
    bus.policy = compileResourcePolicy(policyJson, this.service, {
      conditionKeys: ["events:source", "events:detail-type"],
      malformed: (reason) => errors.validation("Policy", reason),
    });
  }

  /** Creates or replaces a rule (keeping its targets). Returns its ARN. */
  putRule(spec: RuleSpec): string {
    const busName = spec.eventBusName ?? "default";
    const bus = this.findBus(eventBusArn(spec.account, spec.region, busName));
    if (!bus) throw notFound(busName);
    if (spec.eventPattern === undefined && spec.scheduleExpression === undefined) {
      throw errors.validation("PutRule", "Parameter(s) EventPattern or ScheduleExpression must be specified.");
    }
    // Scheduled rules run only on the default bus (PutRule, API Reference).
    if (spec.scheduleExpression !== undefined && busName !== "default") {
      throw errors.validation("ScheduleExpression", "ScheduleExpression is supported only on the default event bus.");
    }
    const pattern = spec.eventPattern === undefined ? undefined : parsePattern(spec.eventPattern);
    const arn = ruleArn(spec.account, spec.region, busName, spec.name);
    const targets = this.rules.get(arn)?.targets ?? [];
    this.rules.set(arn, { arn, name: spec.name, bus, pattern, scheduleExpression: spec.scheduleExpression, targets });
    return arn;
  }

  /**
   * Points every target that starts `document` (an automation-definition ARN without its version) at `version`: what
   * the `pulumi up` that puts a document's new version does to the targets pinned to the old one (their ARN input
   * names the document's default version, which the update changes).
   */
  repinTargets(document: string, version: string): void {
    for (const rule of this.rules.values()) {
      for (const target of rule.targets) {
        if (target.arn.startsWith(`${document}:`)) target.arn = `${document}:${version}`;
      }
    }
  }

  putTarget(ruleArnValue: string, target: EventTargetSpec): void {
    const rule = this.rules.get(ruleArnValue);
    if (!rule) throw new AwsError("ResourceNotFoundException", `Rule ${ruleArnValue} does not exist.`);
    if (rule.targets.length >= MAX_TARGETS) {
      throw new AwsError("LimitExceededException", `Rule ${rule.name} already has ${MAX_TARGETS} targets.`);
    }
    if (target.input !== undefined && target.inputTransformer !== undefined) {
      throw errors.validation("Targets", "a target takes Input or InputTransformer, not both");
    }
    if (target.input !== undefined && !parseJson(target.input)) throw errors.validation("Input", "must be valid JSON");
    if (target.inputTransformer) validateInputTransformer(target.inputTransformer, target.arn);
    if (BUS_ARN.test(target.arn) && (target.input !== undefined || target.inputTransformer)) {
      throw new Error(`the simulator's events fake forwards whole events to bus ${target.arn}: no Input there`);
    }
    rule.targets.push(target);
  }

  /** An AWS service's event on the account's default bus, as services (CloudTrail) send them. */
  emit(account: string, region: string, event: ServiceEvent): EventEnvelope {
    if (!event.source.startsWith("aws.")) throw new Error(`emit sends AWS service events, not ${event.source}`);
    if (!isObject(event.detail)) throw new Error("an event's detail is a JSON object");
    const bus = this.findBus(eventBusArn(account, region, "default"))!;
    const envelope = this.envelope(event.source, event["detail-type"], event.detail, account, region, event);
    this.land({ bus, event: envelope, ingestionTime: isoSeconds(this.clock.now()), forwarded: false });
    return envelope;
  }

  // ---- API ----

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (api === "PutEvents") return this.putEvents(input, caller);
    return unsupported(this.service, api);
  }

  private putEvents(input: ApiInput, caller: Caller) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw errors.validation("Entries", `must list 1 to ${MAX_ENTRIES} entries`);
    }
    const results = entries.map((entry) => this.putEntry(entry, caller));
    return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
  }

  /**
   * One entry: failures are per entry, with the codes of PutEventsResultEntry (API Reference), and the other entries
   * still go through ("Handling failures with PutEvents").
   */
  private putEntry(entry: unknown, caller: Caller): PutEventsResultEntry {
    const fail = (code: string, message: string) => ({ ErrorCode: code, ErrorMessage: message });
    if (!isObject(entry)) return fail("InvalidArgument", "Each entry is an object.");
    for (const field of ["Source", "DetailType", "Detail"]) {
      if (typeof entry[field] !== "string" || entry[field] === "") {
        return fail("InvalidArgument", `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
      }
    }
    const { Source: source, DetailType: detailType } = entry as Record<string, string>;
    const detail = parseJson(entry.Detail as string)?.value;
    if (!isObject(detail)) return fail("MalformedDetail", "Detail is malformed.");
    const resources = entry.Resources ?? [];
    if (!Array.isArray(resources) || resources.some((r) => typeof r !== "string")) {
      return fail("InvalidArgument", "Parameter Resources is not valid. Reason: Resources is a list of strings.");
    }
    // Sources beginning with "aws." are AWS services' ("Amazon EventBridge events", source).
    if (source.startsWith("aws.")) return fail("NotAuthorizedForSourceException", "Not authorized for the source.");
    const busName = entry.EventBusName ?? "default";
    if (typeof busName !== "string" || !(BUS_ARN.test(busName) || BUS_NAME.test(busName))) {
      return fail("InvalidArgument", "Parameter EventBusName is not valid.");
    }
    const bus = this.findBus(BUS_ARN.test(busName) ? busName : eventBusArn(caller.account, caller.region, busName));
    if (!bus) return fail("ResourceNotFoundException", `Event bus ${busName} does not exist.`);
    const refusal = this.refusal(bus, caller, { "events:source": source, "events:detail-type": detailType });
    if (refusal) return fail("AccessDeniedException", `User: ${sessionArn(caller)} ${refusal}`);
    const time = entry.Time === undefined ? undefined : new Date(entry.Time as string | number | Date);
    if (time && Number.isNaN(time.getTime())) return fail("InvalidArgument", "Parameter Time is not valid.");
    const event = this.envelope(source, detailType, detail, caller.account, caller.region, {
      resources: resources as string[],
      time: time && isoSeconds(time.getTime()),
    });
    this.land({ bus, event, ingestionTime: isoSeconds(this.clock.now()), forwarded: false });
    return { EventId: event.id };
  }

  /**
   * Why `principal` may not put events on `bus`, or undefined if it may: another account needs an Allow in the
   * bus's resource policy ("Permissions for event buses in Amazon EventBridge"), and an explicit Deny always wins.
   */
  private refusal(bus: Bus, principal: RequestPrincipal, keys: Record<string, string>): string | undefined {
    const decision = evaluate(bus.policy, { principal, action: "events:PutEvents", resource: bus.arn, keys });
    const denied = `is not authorized to perform: events:PutEvents on resource: ${bus.arn}`;
    if (decision === "Deny") return `${denied} with an explicit deny in a resource-based policy`;
    if (decision !== "Allow" && principal.account !== bus.account) {
      return `${denied} because no resource-based policy allows the events:PutEvents action`;
    }
    return undefined;
  }

  // ---- Delivery ----

  private envelope(
    source: string,
    detailType: string,
    detail: Record<string, unknown>,
    account: string,
    region: string,
    extra: { resources?: string[]; time?: string },
  ): EventEnvelope {
    return {
      version: "0",
      id: this.ids.uuid(),
      "detail-type": detailType,
      source,
      account,
      time: extra.time ?? isoSeconds(this.clock.now()),
      region,
      resources: extra.resources ?? [],
      detail,
    };
  }

  /** Matches the event against the bus's rules now, and invokes each matching rule's targets a moment later. */
  private land(landing: Landing): void {
    for (const rule of this.rules.values()) {
      if (rule.bus !== landing.bus || rule.pattern === undefined) continue;
      if (!matchesPattern(rule.pattern, landing.event)) continue;
      for (const target of rule.targets) this.invokeLater(landing, rule, target, 1, DELIVERY_DELAY_MS);
    }
  }

  private invokeLater(landing: Landing, rule: Rule, target: EventTargetSpec, attempt: number, delay: number): void {
    this.clock.later(
      delay,
      () => this.invoke(landing, rule, target, attempt),
      (err) => this.giveUp(landing, rule, target, attempt, err),
    );
  }

  /** Delivery failed for good: recorded, and the event sent to the target's dead-letter queue if it has one. */
  private giveUp(landing: Landing, rule: Rule, target: EventTargetSpec, attempts: number, err: unknown): void {
    const failure = this.recordFailure(landing, rule, target, attempts, err);
    if (!target.deadLetterArn || !this.deadLetter) return;
    const exhausted: Record<string, string> =
      err instanceof AwsError && err.retryable
        ? {
            EXHAUSTED_RETRY_CONDITION:
              attempts > (target.retryPolicy?.maximumRetryAttempts ?? MAX_RETRIES)
                ? "MaximumRetryAttempts"
                : "MaximumEventAgeInSeconds",
          }
        : {};
    const attributes: Record<string, string> = {
      ERROR_CODE: failure.error.code,
      ERROR_MESSAGE: failure.error.message,
      ...exhausted,
      RETRY_ATTEMPTS: String(attempts - 1),
      RULE_ARN: rule.arn,
      TARGET_ARN: target.arn,
    };
    this.deadLetter(target.deadLetterArn, JSON.stringify(landing.event), attributes, rule.bus.account).catch(
      (dlqErr: unknown) => this.recordFailure(landing, rule, { ...target, arn: target.deadLetterArn! }, 1, dlqErr),
    );
  }

  private async invoke(landing: Landing, rule: Rule, target: EventTargetSpec, attempt: number): Promise<void> {
    if (BUS_ARN.test(target.arn)) return this.forward(landing, rule, target);
    const input = target.inputTransformer
      ? transformInput(target.inputTransformer, landing.event, {
          ruleArn: rule.arn,
          ruleName: rule.name,
          ingestionTime: landing.ingestionTime,
        })
      : (target.input ?? JSON.stringify(landing.event));
    try {
      await this.deliver(target, input, landing.event, rule.arn);
    } catch (err) {
      const delay = this.retryDelay(attempt);
      const age = this.clock.now() + delay - Date.parse(landing.ingestionTime);
      const maxAttempts = (target.retryPolicy?.maximumRetryAttempts ?? MAX_RETRIES) + 1;
      const maxAgeMs = (target.retryPolicy?.maximumEventAgeSeconds ?? MAX_EVENT_AGE_MS / 1000) * 1000;
      if (err instanceof AwsError && err.retryable && attempt < maxAttempts && age <= maxAgeMs) {
        this.invokeLater(landing, rule, target, attempt + 1, delay);
        return;
      }
      throw err;
    }
    this.record(landing, rule, target, input, attempt);
  }

  /** The wait before retry `attempt` (1 for the first retry): exponential, capped, randomized. */
  private retryDelay(attempt: number): number {
    const ceiling = Math.min(RETRY_MAX_DELAY_MS, retryBaseMs(this.backoff()) * 2 ** (attempt - 1));
    const draw = Number.parseInt(this.ids.hex(8), 16) / 0x1_0000_0000;
    return Math.round(ceiling / 2 + (ceiling / 2) * draw);
  }

  /**
   * EventBridge itself sends the event on to the target bus, unchanged (its account stays the original sender's:
   * "Sending and receiving Amazon EventBridge events between AWS accounts"), if that bus's policy admits the target's
   * role. An event that already came from another bus is not forwarded again ("EventBridge can't route events
   * received from a sender event bus to a third event bus").
   */
  private async forward(landing: Landing, rule: Rule, target: EventTargetSpec): Promise<void> {
    if (landing.forwarded) {
      throw new AwsError(
        "NotForwarded",
        "EventBridge does not route an event received from another bus to a third bus",
      );
    }
    const destination = this.findBus(target.arn);
    if (!destination) throw notFound(target.arn);
    const roleAccount = target.roleArn?.split(":")[4];
    const principal = { account: roleAccount ?? rule.bus.account, roleArn: target.roleArn };
    const keys = { "events:source": landing.event.source, "events:detail-type": landing.event["detail-type"] };
    const refusal = this.refusal(destination, principal, keys);
    if (refusal) throw errors.accessDenied(`${target.roleArn ?? `account ${rule.bus.account}`} ${refusal}`);
    this.record(landing, rule, target, JSON.stringify(landing.event), 1);
    const ingestionTime = isoSeconds(this.clock.now());
    this.land({ bus: destination, event: landing.event, ingestionTime, forwarded: true });
  }

  private record(landing: Landing, rule: Rule, target: EventTargetSpec, input: string, attempts: number): void {
    this.delivered.push({
      time: this.clock.iso(),
      busArn: landing.bus.arn,
      ruleArn: rule.arn,
      targetArn: target.arn,
      eventId: landing.event.id,
      input,
      attempts,
    });
  }

  private recordFailure(
    landing: Landing,
    rule: Rule,
    target: EventTargetSpec,
    attempts: number,
    err: unknown,
  ): FailedInvocation {
    const error =
      err instanceof AwsError
        ? { code: err.code, message: err.message }
        : {
            code: err instanceof Error ? err.name : "Error",
            message: String(err instanceof Error ? err.message : err),
          };
    const failure = {
      time: this.clock.iso(),
      busArn: landing.bus.arn,
      ruleArn: rule.arn,
      targetArn: target.arn,
      eventId: landing.event.id,
      error,
      attempts,
    };
    this.failed.push(failure);
    return failure;
  }

  /** The bus with this ARN; an account's default bus exists as soon as it is asked for. */
  private findBus(arn: string): Bus | undefined {
    const existing = this.buses.get(arn);
    if (existing) return existing;
    const match = BUS_ARN.exec(arn);
    if (match?.[3] !== "default") return undefined;
    const bus = { arn, account: match[2], region: match[1], name: "default" };
    this.buses.set(arn, bus);
    return bus;
  }
}

function notFound(bus: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);
}

/** The parsed JSON text, or undefined if it is not JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function parsePattern(pattern: string | Record<string, unknown>): unknown {
  const parsed = typeof pattern === "string" ? parseJson(pattern) : { value: pattern };
  if (!parsed) throw new AwsError("InvalidEventPatternException", "Event pattern is not valid JSON.");
  validatePattern(parsed.value);
  return parsed.value;
}
