/**
 * The request check's answers, and the two ways a request is turned away. The answer is one bare token, with no
 * reason in it: the grant workflow branches on it whatever form Automation gives a string payload (its JSON text or
 * the bare string), and never pastes it into JSON. The reason for a rejection goes to Parameter Store (./reason.ts).
 */
import { patterns } from "../../shared/patterns";

/** A lookup made beside others: its value, or its error thrown (so errors are reported in the order checked). */
export function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

export const ELIGIBLE = "Eligible";
export const REJECTED = "Rejected";
/** A request delivered again after its grant: neither granted again nor answered (its requester is being served). */
export const IGNORED = "Ignored";
/** A request for an access the requester already holds by an open grant, which it extended instead. */
export const EXTENDED = "Extended";
export type Answer = typeof ELIGIBLE | typeof REJECTED | typeof IGNORED | typeof EXTENDED;

/** The reason is quoted in the refusal's notification (patterns.plainComment): at most 200 characters. */
const MAX_REASON = 200;

/** The reason as plain text: printable ASCII without `"` or `\`, cut to 200 characters. */
export function reasonText(text: string): string {
  const printable = text.replace(/[^ !#-[\]-~]/g, "?");
  const fitted = printable.length <= MAX_REASON ? printable : `${printable.slice(0, MAX_REASON - 3)}...`;
  if (!patterns.plainComment.test(fitted)) throw new Error(`the reason is not plain text: ${fitted}`);
  return fitted;
}

/**
 * How a request is turned away: plain Errors told apart by name. Lambda runs this module as Pulumi's closure
 * serializer rewrote it, and that serializer gives an Error subclass a constructor that drops its arguments (so a
 * subclass would carry no reason); tests/management/uploadedCode.test.ts holds the code to that.
 */
type TurnedAway = "Rejection" | "Repeat";

function turnedAway(kind: TurnedAway, reason: string): Error {
  const err = new Error(reason);
  err.name = kind;
  return err;
}

/** A request that cannot be granted, with the reason the requester and the administrators are told. */
export const reject = (reason: string): never => {
  throw turnedAway("Rejection", reason);
};

/** A request seen before, with the reason the administrators are told. */
export const repeat = (reason: string): never => {
  throw turnedAway("Repeat", reason);
};

export const isRejection = (err: unknown): err is Error => err instanceof Error && err.name === "Rejection";
export const isRepeat = (err: unknown): err is Error => err instanceof Error && err.name === "Repeat";

/**
 * The grant workflow that asked has stopped or is stopping (functions/requestCheck/grant.ts): it has handed the request
 * over to be ended, so nothing more is assigned for it.
 */
export const withdrawn = (why: string): Error => Object.assign(new Error(why), { name: "Withdrawn" });
export const isWithdrawn = (err: unknown): err is Error => err instanceof Error && err.name === "Withdrawn";
