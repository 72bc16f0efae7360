/** The request check's answers, and the two ways a request is turned away. */
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

/** A request that cannot be granted, with the reason the requester and the administrators are told. */
export class Rejection extends Error {}

/** A request seen before, with the reason the administrators are told. */
export class Repeat extends Error {}

export const reject = (reason: string): never => {
  throw new Rejection(reason);
};
