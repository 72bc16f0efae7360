/**
 * MaxResults/NextToken paging shared by the list APIs of the fakes (ListAccountsForParent, GetParametersByPath,
 * ListPermissionSets, ListGroupMembershipsForMember): what differs per API is its page size limit, the token pattern its
 * reference gives, and the errors it answers a bad MaxResults or NextToken with.
 */
import assert from "node:assert/strict";
import { type ApiInput, AwsError } from "../../../../tools/sim/aws";
import { type PagingRules, page } from "../../../../tools/sim/services/pagination";
import { awsError } from "../support/aws";

const LETTERS = ["a", "b", "c", "d", "e"];
/** Parameter Store's rules: a bad token is InvalidNextToken, other bad input ValidationException. */
const RULES: PagingRules = {
  maxResults: 3,
  invalidToken: () => new AwsError("InvalidNextToken", "The specified token isn't valid."),
};
/** Identity Center's rules: NextToken has a pattern, and a token it did not issue is a ValidationException too. */
const PATTERNED: PagingRules = {
  maxResults: 3,
  tokenPattern: /^[-a-zA-Z0-9+=/_]*$/,
  invalidToken: () => new AwsError("ValidationException", "NextToken: the pagination token is invalid"),
};
/** Organizations' rules: every bad parameter is an InvalidInputException. */
const ORGANIZATIONS: PagingRules = {
  maxResults: 3,
  invalidInput: (field, rule) => new AwsError("InvalidInputException", `${field} ${rule}`),
  invalidToken: () => new AwsError("InvalidInputException", "INVALID_PAGINATION_TOKEN"),
};

/** Every page of `items`, following NextToken from the first page to the last. */
function allPages<T>(items: T[], input: ApiInput, rules: PagingRules): T[][] {
  const pages: T[][] = [];
  let token: string | undefined;
  do {
    const { items: onPage, next } = page(items, { ...input, ...(token && { NextToken: token }) }, rules);
    pages.push(onPage);
    token = next;
  } while (token !== undefined);
  return pages;
}

const tokenFor = (offset: string) => Buffer.from(offset).toString("base64");

describe("pagination", () => {
  it("answers a list no longer than the limit in one page without a NextToken", () => {
    assert.deepEqual(page(["a", "b"], {}, RULES), { items: ["a", "b"], next: undefined });
    assert.deepEqual(page([], {}, RULES), { items: [], next: undefined });
  });

  it("uses the limit as the page size when MaxResults is not given", () => {
    assert.deepEqual(allPages(LETTERS, {}, RULES), [
      ["a", "b", "c"],
      ["d", "e"],
    ]);
  });

  it("follows NextToken through pages of MaxResults items, each item once and in order", () => {
    assert.deepEqual(allPages(LETTERS, { MaxResults: 2 }, RULES), [["a", "b"], ["c", "d"], ["e"]]);
    assert.deepEqual(allPages(LETTERS, { MaxResults: 1 }, RULES).flat(), LETTERS);
  });

  it("issues NextTokens that the API's own NextToken pattern accepts", () => {
    const first = page(LETTERS, { MaxResults: 1 }, PATTERNED);
    assert.ok(first.next);
    assert.match(first.next, PATTERNED.tokenPattern!);
    assert.deepEqual(page(LETTERS, { MaxResults: 1, NextToken: first.next }, PATTERNED).items, ["b"]);
  });

  it("refuses a MaxResults below 1, above the limit, fractional or not a number, as the API's invalid input", () => {
    for (const MaxResults of [0, 4, 1.5, "2"]) {
      assert.throws(() => page(LETTERS, { MaxResults }, RULES), awsError("ValidationException"), String(MaxResults));
      assert.throws(() => page(LETTERS, { MaxResults }, ORGANIZATIONS), awsError("InvalidInputException"));
    }
    assert.throws(() => page(LETTERS, { MaxResults: 4 }, RULES), /MaxResults: must be a whole number from 1 to 3/);
    assert.throws(() => page(LETTERS, { MaxResults: 4 }, ORGANIZATIONS), /MaxResults must be a whole number from 1/);
  });

  it("refuses a NextToken it did not issue with the API's invalid token error", () => {
    // "foo" holds no offset; offset 0 is the first page, which has no token; 6 is past the end of five items.
    for (const NextToken of ["Zm9v", tokenFor("0"), tokenFor("-1"), tokenFor("6"), 42]) {
      assert.throws(() => page(LETTERS, { NextToken }, RULES), awsError("InvalidNextToken"), String(NextToken));
    }
    assert.throws(() => page(LETTERS, { NextToken: "Zm9v" }, ORGANIZATIONS), /INVALID_PAGINATION_TOKEN/);
  });

  it("checks NextToken against the API's pattern first, where its reference gives one", () => {
    assert.throws(() => page(LETTERS, { NextToken: "not base64!" }, PATTERNED), /NextToken: must match/);
    assert.throws(() => page(LETTERS, { NextToken: 42 }, PATTERNED), /NextToken: is required and must be a string/);
    assert.throws(() => page(LETTERS, { NextToken: "Zm9v" }, PATTERNED), /the pagination token is invalid/);
  });
});
