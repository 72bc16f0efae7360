/**
 * `jit confirm-subscription`: confirms an email subscription to the notification topic with AWS authentication, so
 * that only the topic's owner can remove it. Following the link in the confirmation message confirms it without
 * authentication, and then anyone who holds one of its notifications can unsubscribe it with the link at the bottom
 * (Amazon SNS API Reference, ConfirmSubscription, AuthenticateOnUnsubscribe:
 * https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html).
 */
import { ConfirmSubscriptionCommand } from "@aws-sdk/client-sns";
import type { Command } from "commander";
import { Pattern } from "../../../shared/patterns";
import type { CliContext, GlobalOptions } from "../context";
import { UsageError } from "../errors";
import { printJson, printLine } from "../output";

const host = new Pattern("^sns\\.([a-z]{2}(-[a-z]+)+-\\d)\\.amazonaws\\.com(\\.cn)?$", "an SNS endpoint");
const topicArn = new Pattern(
  "^arn:aws(-[a-z]{1,5}){0,3}:sns:([a-z]{2}(-[a-z]+)+-\\d):\\d{12}:[A-Za-z0-9_-]{1,256}$",
  "an SNS topic ARN",
);
// The token is hex in the links SNS sends; the API documents no format, so any printable text up to 2,048 characters.
const token = new Pattern("^[\\x21-\\x7e]{1,2048}$", "the token from the link");

export interface ConfirmationLink {
  topicArn: string;
  token: string;
  region: string;
}

/** The topic and token of a confirmation link, refusing anything that is not one SNS sent. */
export function confirmationLink(text: string): ConfirmationLink {
  const fail = (rule: string): never => {
    throw new UsageError(`<link> must be the "Confirm subscription" link of the confirmation message: ${rule}`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("it is not a URL");
  }
  const region = host.regex.exec(url.hostname)?.[1];
  if (url.protocol !== "https:" || region === undefined) fail(`its address must be https://sns.<region>.amazonaws.com`);
  // The link in an email confirmation message opens SNS's confirmation page; the one sent to an HTTP(S) endpoint
  // calls the API (https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html, its example request).
  const page = url.pathname === "/confirmation.html";
  const api = url.pathname === "/" && url.searchParams.get("Action") === "ConfirmSubscription";
  if (!page && !api) fail("it must open /confirmation.html, or be an Action=ConfirmSubscription request");
  const arn = url.searchParams.get("TopicArn") ?? "";
  if (!topicArn.test(arn)) fail(`its TopicArn must be ${topicArn.rule}`);
  if (topicArn.regex.exec(arn)?.[2] !== region) fail("its TopicArn must be in the endpoint's Region");
  const given = url.searchParams.get("Token") ?? "";
  if (!token.test(given)) fail(`its Token must be ${token.rule}`);
  return { topicArn: arn, token: given, region: region as string };
}

export function registerConfirmSubscription(program: Command, ctx: CliContext): void {
  program
    .command("confirm-subscription")
    .summary("confirm a notification subscription so that only AWS credentials can remove it")
    .description(
      "Confirm an email subscription to the JIT notification topic with your AWS credentials (of the management account), so that nobody can unsubscribe it through the link in a notification. Copy the link from the confirmation message: do not open it.",
    )
    .argument("<link>", "the confirmation message's Confirm subscription link (quote it)")
    .action(async (text: string, _flags: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const link = confirmationLink(text);
      const { SubscriptionArn } = await ctx.clients({ ...options, region: link.region }).sns.send(
        new ConfirmSubscriptionCommand({
          TopicArn: link.topicArn,
          Token: link.token,
          AuthenticateOnUnsubscribe: "true",
        }),
      );
      if (options.json) return printJson(ctx.output, { subscriptionArn: SubscriptionArn, authenticated: true });
      printLine(
        ctx.output,
        `Confirmed ${SubscriptionArn}: only the topic's owner (or the subscription's) can unsubscribe it now.`,
      );
    });
}
