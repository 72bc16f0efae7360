/** The request check's answers, the reason it leaves for a refusal, and the two ways a request is turned away. */
import { PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { patterns } from "../../shared/patterns";

export const ELIGIBLE = "Eligible";
export const REJECTED = "Rejected";
/** A request delivered again after its grant: neither granted again nor answered (its requester is being served). */
export const IGNORED = "Ignored";
/** The answer becomes the requester's feedback comment (patterns.feedbackComment): at most 200 characters. */
const MAX_ANSWER = 200;

export function answer(text: string): string {
  const printable = text.replace(/[^ !#-[\]-~]/g, "?");
  const fitted = printable.length <= MAX_ANSWER ? printable : `${printable.slice(0, MAX_ANSWER - 3)}...`;
  if (!patterns.feedbackComment.test(fitted)) throw new Error(`the answer does not fit a feedback comment: ${fitted}`);
  return fitted;
}

/**
 * Answers `token` (Rejected or Ignored) after writing `reason`, fitted to a feedback comment, where the grant
 * workflow reads it: `<checkReasonPath><GrantExecutionId>`. The answer itself carries no reason: Automation can
 * only compare it, and its Payload may come as JSON text or bare (tools/sim/variants.ts, lambdaStringPayload). An
 * event without a valid grant execution id has nowhere to leave a reason; the workflow then reports a fixed one.
 */
export async function refuse(
  ssm: Pick<SSMClient, "send">,
  path: string,
  event: unknown,
  token: typeof REJECTED | typeof IGNORED,
  reason: string,
): Promise<string> {
  const id = typeof event === "object" && event !== null ? (event as Record<string, unknown>).GrantExecutionId : "";
  if (typeof id === "string" && patterns.automationExecutionId.test(id)) {
    await ssm.send(
      new PutParameterCommand({ Name: `${path}${id}`, Value: answer(reason), Type: "String", Overwrite: true }),
    );
  }
  return token;
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
