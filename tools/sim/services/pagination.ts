/**
 * MaxResults/NextToken paging as the list APIs of the fakes answer it. The NextToken is opaque to callers; here it is
 * the base64 offset of the next item, so a token the fake did not issue (or one past the end) is rejected.
 */
import { type ApiInput, type AwsError, errors } from "../aws";

type InvalidInput = (field: string, rule: string) => AwsError;

/** What an API's paging differs in: its page size limit and how it reports a bad MaxResults or NextToken. */
export interface PagingRules {
  /** The largest MaxResults the API accepts, also the page size when the caller leaves MaxResults out. */
  maxResults: number;
  /** How the API fails a bad parameter (`field`, `rule`); ValidationException unless the API says otherwise. */
  invalidInput?: InvalidInput;
  /** Where the API reference gives NextToken a pattern: a token that is not a string matching it fails as input. */
  tokenPattern?: RegExp;
  /** The error the API returns for a well-formed NextToken it did not issue. */
  invalidToken: () => AwsError;
}

export interface Page<T> {
  items: T[];
  /** The NextToken of the page after this one; undefined on the last page. */
  next?: string;
}

/** One page of `items` by the input's MaxResults and NextToken. */
export function page<T>(items: readonly T[], input: ApiInput, rules: PagingRules): Page<T> {
  const invalidInput = rules.invalidInput ?? errors.validation;
  const max = input.MaxResults ?? rules.maxResults;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > rules.maxResults) {
    throw invalidInput("MaxResults", `must be a whole number from 1 to ${rules.maxResults}`);
  }
  let offset = 0;
  if (input.NextToken !== undefined) {
    offset = decode(input.NextToken, rules.tokenPattern, invalidInput);
    // The first page is the one without a token, so no issued token holds offset 0.
    if (!Number.isInteger(offset) || offset <= 0 || offset > items.length) throw rules.invalidToken();
  }
  const end = offset + max;
  return {
    items: items.slice(offset, end),
    next: end < items.length ? Buffer.from(String(end)).toString("base64") : undefined,
  };
}

/** The offset a NextToken holds; NaN when it holds none. */
function decode(token: unknown, pattern: RegExp | undefined, invalidInput: InvalidInput): number {
  if (pattern) {
    if (typeof token !== "string") throw invalidInput("NextToken", "is required and must be a string");
    if (!pattern.test(token)) throw invalidInput("NextToken", `must match ${pattern.source}`);
  }
  return typeof token === "string" ? Number(Buffer.from(token, "base64").toString("utf8")) : Number.NaN;
}
