/**
 * What AWS documents about steps that the schema does not hold, and what it leaves open:
 * - "ends-ambiguously": isEnd "stops an automation at the end of a specific step. The automation stops if the step
 *   run failed or succeeded" (Automation actions reference, "Properties shared by all actions"), yet a step may also
 *   name where to go on failure or next; AWS does not say which wins (tools/sim/variants.ts, isEndOnFailure). A step
 *   with isEnd may therefore have no onFailure but Abort and no nextStep, so every reading takes the same path;
 * - "limits": aws:sleep waits at most 604799 seconds (automation-action-sleep), and an aws:invokeLambdaFunction step
 *   runs at most 300 seconds, which timeoutSeconds can only shorten (automation-action-lamb).
 */
import type { DocumentView, StepView } from "./content";
import type { Finding } from "./types";

export const MAX_SLEEP_SECONDS = 604_799;
export const MAX_LAMBDA_SECONDS = 300;

function endsAmbiguously(s: StepView): Finding[] {
  if (!s.isEnd) return [];
  const found: Finding[] = [];
  const finding = (message: string): Finding => ({
    severity: "error",
    rule: "ends-ambiguously",
    step: s.name,
    message,
  });
  if (s.onFailure !== undefined && s.onFailure !== "Abort") {
    found.push(
      finding(
        `isEnd with onFailure ${s.onFailure}: AWS does not say whether a failed step that ends the automation still follows onFailure; end through a step of its own instead`,
      ),
    );
  }
  if (s.nextStep !== undefined) {
    found.push(finding(`isEnd with nextStep ${s.nextStep}: AWS does not say which of the two applies`));
  }
  return found;
}

/** Seconds in a literal ISO 8601 duration (`PT12H`, `P1DT2H`); undefined for anything else (a `{{ }}` reference). */
function literalSeconds(duration: unknown): number | undefined {
  const m =
    typeof duration === "string" ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration) : null;
  if (!m) return undefined;
  const [d, h, min, sec] = m.slice(1).map((v) => Number(v ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + sec;
}

function limits(s: StepView): Finding[] {
  const finding = (message: string): Finding => ({ severity: "error", rule: "limits", step: s.name, message });
  if (s.action === "aws:sleep") {
    const seconds = literalSeconds(s.inputs.Duration);
    if (seconds !== undefined && seconds > MAX_SLEEP_SECONDS) {
      return [finding(`aws:sleep for ${seconds} s: Automation supports at most ${MAX_SLEEP_SECONDS} s`)];
    }
  }
  if (
    s.action === "aws:invokeLambdaFunction" &&
    s.timeoutSeconds !== undefined &&
    s.timeoutSeconds > MAX_LAMBDA_SECONDS
  ) {
    return [
      finding(
        `timeoutSeconds ${s.timeoutSeconds}: an aws:invokeLambdaFunction step runs at most ${MAX_LAMBDA_SECONDS} s whatever it says`,
      ),
    ];
  }
  return [];
}

export function checkLimits(doc: DocumentView): Finding[] {
  return doc.steps.flatMap((s) => [...endsAmbiguously(s), ...limits(s)]);
}
