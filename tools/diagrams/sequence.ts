/**
 * A Mermaid sequence diagram of one simulated request, built from the run's timeline: each API call that changes
 * something is a message from its caller to the service or runbook it addresses (solid for a call, dotted for a
 * service's delivery: a rule target, Change Manager's runbook start, a topic's deliveries); the lookups and status
 * polls a participant makes between two of its messages are one note ("polls DescribeAccountAssignmentCreationStatus
 * x3"); waits in virtual time are notes ("sleeps 1 h"); failed steps and executions that end are notes too.
 */

import { LEDGER_KEY, RECONCILER_CURSOR_KEY } from "../../shared/grantLedger";
import { names } from "../../shared/naming";
import type { Execution } from "../sim/automation/execution";
import { START_TIME } from "../sim/clock";
import { type CallRecord, isReadOnly } from "../sim/cloudTrail";
import type { ScenarioRun } from "../sim/scenarios";
import type { TimelineEntry } from "../sim/timeline";
import { Cast, type Participant } from "./cast";
import { duration, mermaidText, relativeTime } from "./mermaid";

type Item =
  | { kind: "message"; from: Participant; to: Participant; dotted: boolean; text: string }
  | { kind: "note"; over: Participant[]; text: string };

interface Lookup {
  api: string;
  callee?: Participant;
}

const WAITS = new Set(["aws:sleep", "aws:approve"]);
const BOX_COLORS = ["rgba(66,133,244,0.08)", "rgba(251,140,0,0.08)", "rgba(67,160,71,0.08)"];

function clip(text: string, max = 90): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What a call that changes something says on its arrow. */
function callText(call: CallRecord, person: boolean): string {
  const input = call.input;
  const detail = (): string => {
    switch (call.api) {
      case "StartChangeRequestExecution":
        return `: ${String(input.ChangeRequestName ?? "")}`;
      case "SendAutomationSignal": {
        const comment = (input.Payload as { Comment?: string[] } | undefined)?.Comment?.[0];
        return ` ${String(input.SignalType)}${comment && !person ? `: ${comment}` : ""}`;
      }
      case "StopAutomationExecution":
        return ` ${String(input.Type ?? "")}`;
      case "Publish": {
        const attributes = input.MessageAttributes as Record<string, { StringValue?: string }> | undefined;
        return ` ${attributes?.EventType?.StringValue ?? ""}`;
      }
      case "PutEvents":
        return ` ${((input.Entries as { DetailType?: string }[] | undefined) ?? []).map((e) => e.DetailType).join(", ")}`;
      case "Invoke":
        return input.InvocationType ? ` (${String(input.InvocationType)})` : "";
      default:
        return "";
    }
  };
  const api =
    call.service === "ssm" || call.service === "sso-admin" || !person ? call.api : `${call.service}:${call.api}`;
  const outcome = call.error ? ` fails: ${call.error.code}` : "";
  const when = person ? `${relativeTime(call.at - START_TIME)} ` : "";
  return `${when}${api}${detail().trimEnd()}${outcome}`;
}

/** The lookups a participant made, as words: "looks up A, B, then polls C x3". */
function lookupText(lookups: Lookup[]): string {
  const runs: { api: string; count: number }[] = [];
  for (const { api } of lookups) {
    const last = runs[runs.length - 1];
    if (last?.api === api) last.count++;
    else runs.push({ api, count: 1 });
  }
  const phrases: { verb: string; apis: string[] }[] = [];
  for (const { api, count } of runs) {
    const verb = count > 1 ? "polls" : isReadOnly(api) ? "looks up" : "calls";
    const name = count > 1 ? `${api} x${count}` : api;
    const last = phrases[phrases.length - 1];
    if (last?.verb === verb && verb !== "polls") last.apis.push(name);
    else phrases.push({ verb, apis: [name] });
  }
  return phrases.map((p) => `${p.verb} ${p.apis.join(", ")}`).join(", then ");
}

class SequenceBuilder {
  readonly items: Item[] = [];
  private readonly lookups = new Map<Participant, Lookup[]>();
  private readonly stepsDone = new Map<Execution, number>();
  /** Executions a failed step was drawn for, whose end need not repeat the failure. */
  private readonly failed = new Set<Execution>();
  private lastCall?: { call: CallRecord; caller: Participant };
  private lastPublish?: CallRecord;
  private calls = 0;
  /** The roles of the reconciler and of the schedule that runs it every few minutes. */
  private readonly reconcilerRoles: string[];

  constructor(
    private readonly run: ScenarioRun,
    readonly cast: Cast,
  ) {
    const { management } = names(run.sim.deployment.management.config);
    this.reconcilerRoles = [management.reconcilerRole, management.reconcilerScheduleRole].map((r) => `:role/${r}`);
  }

  /**
   * The reconciler's routine runs are not part of any request: a run is drawn only where it changes something (it
   * ends a grant, removes or alerts), never its schedule's invocations, its reads of the ledger, assignments and
   * dead-letter queues, or where it notes how far its sweep got.
   */
  private routineReconcile(call: CallRecord): boolean {
    const role = call.caller.roleArn ?? "";
    if (!this.reconcilerRoles.some((r) => role.endsWith(r))) return false;
    const item = call.input.Item as Record<string, { S?: string }> | undefined;
    const notesCursor = call.api === "PutItem" && item?.[LEDGER_KEY]?.S === RECONCILER_CURSOR_KEY;
    const routine = ["Invoke", "Query", "ReceiveMessage"];
    return routine.includes(call.api) || isReadOnly(call.api) || notesCursor;
  }

  add(entry: TimelineEntry): void {
    switch (entry.kind) {
      case "call":
        this.call(this.run.sim.world.calls[this.calls++]);
        break;
      case "notification":
        this.notification(entry);
        break;
      case "step":
        this.step(entry);
        break;
      case "fault":
        if (this.lastCall) this.note([this.lastCall.caller], `fault: ${clip(entry.what)}`);
        break;
      default:
        // People's actions are drawn from the calls they make; events and checks are not drawn.
        break;
    }
  }

  finish(): void {
    for (const participant of [...this.lookups.keys()]) this.flush(participant);
  }

  private call(call: CallRecord): void {
    if (!call) throw new Error("the timeline has more calls than the world recorded");
    if (this.routineReconcile(call)) return;
    const caller = this.cast.caller(call);
    const callee = this.cast.callee(call);
    this.lastCall = { call, caller };
    if (call.service === "sns" && call.api === "Publish") this.lastPublish = call;
    const person = caller.kind === "actor";
    if (callee && (person || !isReadOnly(call.api) || call.error)) {
      this.flush(caller);
      this.items.push({
        kind: "message",
        from: caller,
        to: callee,
        dotted: caller.delivers === true,
        text: callText(call, person),
      });
      return;
    }
    const pending = this.lookups.get(caller) ?? [];
    pending.push({ api: call.api, callee });
    this.lookups.set(caller, pending);
  }

  private notification(entry: TimelineEntry): void {
    const topicArn = this.lastPublish?.input.TopicArn;
    if (!this.lastPublish || typeof topicArn !== "string") return;
    const topic = this.cast.callee(this.lastPublish);
    const recipients = /" to (.*)$/.exec(entry.what)?.[1] ?? "";
    if (topic) {
      this.items.push({
        kind: "message",
        from: topic,
        to: this.cast.subscribers(),
        dotted: true,
        text: `${entry.actor} to ${recipients}`,
      });
    }
  }

  private step(entry: TimelineEntry): void {
    // A function called by a step has made all its calls by the time the step moves on: draw them there.
    for (const participant of [...this.lookups.keys()]) {
      if (participant.label.startsWith("Lambda function")) this.flush(participant);
    }
    const [documentName, idPrefix] = entry.actor.split("/");
    const x = [...this.run.sim.world.engine.executions.values()].find(
      (e) => e.document.name === documentName && e.id.startsWith(idPrefix),
    );
    if (!x) return;
    const participant = this.cast.document(x.document.name, x.document.account);
    if (entry.what.startsWith("started by ")) {
      this.waitAfter(x, participant, -1);
      return;
    }
    if (entry.what.startsWith("execution ")) {
      const status = x.status;
      if (status !== "Success" || x.steps.some((s) => WAITS.has(s.Action))) {
        this.flush(participant);
        const failure = x.failureMessage && !this.failed.has(x) ? `: ${clip(x.failureMessage, 70)}` : "";
        this.note([participant], `${x.document.name} ends ${status}${failure}`);
      }
      return;
    }
    const done = this.stepsDone.get(x) ?? 0;
    this.stepsDone.set(x, done + 1);
    const record = x.steps[done];
    if (record && record.StepStatus !== "Success") {
      this.flush(participant);
      const failure = record.FailureMessage ? `: ${clip(record.FailureMessage, 70)}` : "";
      this.note([participant], `${record.StepName} ${record.StepStatus}${failure}`);
      this.failed.add(x);
    }
    this.waitAfter(x, participant, done);
  }

  /** When the step after the `index`th one waits (sleeps, or waits for approval), a note says so as it starts. */
  private waitAfter(x: Execution, participant: Participant, index: number): void {
    const next = x.steps[index + 1];
    if (!next || !WAITS.has(next.Action)) return;
    this.flush(participant);
    if (next.Action === "aws:approve") {
      this.note([participant], `waits for approval at ${next.StepName}`);
      return;
    }
    // A sleep of no time (an End step that only joins the paths) waits for nothing: no note.
    const declared = x.document.content.mainSteps.find((st) => st.name === next.StepName)?.inputs.Duration;
    if (declared === "PT0S") return;
    const end = next.ExecutionEndTime;
    const length = end ? ` ${duration(end.getTime() - next.ExecutionStartTime.getTime())}` : "";
    this.note([participant], `sleeps${length} (${next.StepName})`);
  }

  private flush(participant: Participant): void {
    const pending = this.lookups.get(participant);
    if (!pending || pending.length === 0) return;
    this.lookups.delete(participant);
    const callees = new Set(pending.map((l) => l.callee));
    const [only] = callees;
    const over = callees.size === 1 && only && only !== participant ? [participant, only] : [participant];
    this.note(over, lookupText(pending));
  }

  private note(over: Participant[], text: string): void {
    this.items.push({ kind: "note", over, text });
  }
}

function declaration(p: Participant): string {
  return `${p.kind} ${p.id} as ${p.label}`;
}

function render(builder: SequenceBuilder, accounts: readonly string[]): string {
  const used = new Set<Participant>();
  for (const item of builder.items) {
    if (item.kind === "message") used.add(item.from).add(item.to);
    else for (const p of item.over) used.add(p);
  }
  const participants = builder.cast.all().filter((p) => used.has(p));
  const out = ["sequenceDiagram", "  autonumber"];
  for (const p of participants.filter((p) => p.kind === "actor")) out.push(`  ${declaration(p)}`);
  accounts.forEach((account, i) => {
    const inBox = participants.filter((p) => p.kind !== "actor" && p.account === account);
    if (inBox.length === 0) return;
    out.push(
      `  box ${BOX_COLORS[i % BOX_COLORS.length]} ${account === accounts[0] ? "Requester" : "Management"} account ${account}`,
    );
    for (const p of inBox) out.push(`    ${declaration(p)}`);
    out.push("  end");
  });
  for (const p of participants.filter((p) => p.kind !== "actor" && !accounts.includes(p.account ?? ""))) {
    out.push(`  ${declaration(p)}`);
  }
  for (const item of builder.items) {
    if (item.kind === "message") {
      out.push(`  ${item.from.id}${item.dotted ? "-->>" : "->>"}${item.to.id}: ${mermaidText(item.text)}`);
    } else {
      out.push(`  Note over ${item.over.map((p) => p.id).join(",")}: ${mermaidText(item.text)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** The sequence diagram of `run`, the requester's account drawn first, then the management account. */
export function sequenceDiagram(run: ScenarioRun): string {
  const builder = new SequenceBuilder(run, new Cast(run.sim));
  for (const entry of run.sim.world.timeline.entries) builder.add(entry);
  builder.finish();
  return render(builder, [run.sim.org.requesterAccount, run.sim.org.managementAccount]);
}
