/**
 * The effective access window: removing an assignment ends no session already open, and a session lasts its
 * permission set's session duration ("Set session duration for AWS accounts", IAM Identity Center User Guide:
 * singlesignon/latest/userguide/howtosessionduration.html). So a grant of D gives access for up to D plus the set's
 * session duration, and the CloudTrail summary waits that long after the end (functions/summarySchedule/).
 */
import type { EligibilityRule } from "./eligibility";

/** "can be set to a maximum of 12 hours" (same page). */
export const LONGEST_SESSION_MINUTES = 12 * 60;

/** "The default session duration is one hour" (same page): a set that reports none has that. */
export const DEFAULT_SESSION_DURATION = "PT1H";

const ISO_TIME = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;

/** The minutes of a session duration as Identity Center gives it (`PT8H`, `PT1H30M`), a part minute counted whole. */
export function sessionMinutes(duration: string | undefined): number {
  const text = duration || DEFAULT_SESSION_DURATION;
  const m = ISO_TIME.exec(text);
  if (!m || text === "PT") throw new Error(`the session duration ${text} is not an ISO 8601 duration such as PT8H`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Math.ceil(Number(m[3] ?? 0) / 60);
}

/** Minutes in words: `13 hours`, `1 hour 30 minutes`, `45 minutes`. */
export function inWords(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return plural(rest, "minute");
  return rest === 0 ? plural(hours, "hour") : `${plural(hours, "hour")} ${plural(rest, "minute")}`;
}

/**
 * Why rules give access for longer than `jit:maxAccessWindow` (one sentence per rule and set over it), given each
 * requestable set's session minutes.
 */
export function accessWindowProblems(
  rules: readonly EligibilityRule[],
  sessions: Readonly<Record<string, number>>,
  maxWindow: { setting: string; minutes: number },
): string[] {
  return rules.flatMap((rule) =>
    rule.permissionSets.flatMap((set) => {
      const session = sessions[set];
      const window = rule.maxMinutes + session;
      if (window <= maxWindow.minutes) return [];
      return [
        `jit:maxAccessWindow: the rule ${rule.name} grants ${set} for up to ${inWords(rule.maxMinutes)}, and ${set}'s session duration is ${inWords(session)} (sessions open when the grant ends last that long), so access lasts up to ${inWords(window)}, over jit:maxAccessWindow ${maxWindow.setting} (${inWords(maxWindow.minutes)}): shorten the rule's maxDuration or the set's session duration in IAM Identity Center, or raise jit:maxAccessWindow`,
      ];
    }),
  );
}

/** What an approver is told: the longest the access asked for may last, sessions included. */
export function effectiveWindowLine(
  permissionSet: string,
  requestedMinutes: number,
  session: number,
  cutsSessions = false,
): string {
  const sessions = cutsSessions
    ? "open sessions are cut within minutes of the end (jit:revokeOpenSessions), and last until they expire only if that fails"
    : "removing the access ends no session already open; such a session lasts until it expires";
  return `Effective access up to ${inWords(requestedMinutes + session)}: ${inWords(requestedMinutes)} requested + ${permissionSet}'s session duration of ${inWords(session)} (${sessions}).`;
}
