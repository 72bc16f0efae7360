import assert from "node:assert/strict";
import { readRequesterConfig } from "../../../shared/config/requester";
import { configReader } from "../../support/configIssues";
import type { Overrides } from "../../support/plan";
import { SLACK_CHAT, TEAMS_CHAT } from "../../support/variants";

const { read, assertRejected } = configReader("requester-dev", readRequesterConfig);

describe("requester config", () => {
  it("reads the example stack's config in web and CLI mode, with defaults for what it leaves out", () => {
    const config = read();
    assert.equal(config.side, "requester");
    assert.equal(config.approvalMode, "webAndCli");
    assert.equal(config.managementStack, "acme/identity-center-jit/management-dev");
    assert.equal(config.approverGroupId, "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab");
    assert.deepEqual(config.serviceLinkedRoles, { ssm: true, changeManager: true });
    assert.equal(config.chat, undefined);
    assert.equal(config.approvalTimeout, 24);
  });

  it("reads chat-only mode on Slack, with channel roles unless a channel says otherwise", () => {
    const config = read(SLACK_CHAT);
    assert.equal(config.chat?.platform, "slack");
    assert.deepEqual(config.chat?.requesterChannel, { id: "C0123ABCDEF", auth: "channelRole" });
    assert.deepEqual(config.chat?.approverChannel, { id: "C0456GHIJKL", auth: "userRole" });
  });

  it("reads chat-only mode on Microsoft Teams with one shared channel", () => {
    assert.equal(read(TEAMS_CHAT).chat?.tenantId, "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  });

  describe("rejects, naming the key and the rule", () => {
    const cases: [string, Overrides, string, RegExp][] = [
      [
        "web mode without an approver group",
        { "jit:approverGroupId": undefined },
        "jit:approverGroupId",
        /required when/,
      ],
      [
        "an approver group id of the wrong shape",
        { "jit:approverGroupId": "approvers" },
        "jit:approverGroupId",
        /group id/,
      ],
      [
        "chat settings in web mode: the modes exclude each other",
        { "jit:chat": SLACK_CHAT["jit:chat"] as object },
        "jit:chat",
        /must be absent when jit:approvalMode is webAndCli/,
      ],
      [
        "chat-only mode without chat settings",
        { "jit:approvalMode": "chatOnly", "jit:approverGroupId": undefined },
        "jit:chat",
        /required/,
      ],
      [
        "chat-only mode with an approver group",
        { ...SLACK_CHAT, "jit:approverGroupId": "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab" },
        "jit:approverGroupId",
        /must be absent/,
      ],
      [
        "chat-only mode with two approvals",
        { ...SLACK_CHAT, "jit:approvalsRequired": 2 },
        "jit:approvalsRequired",
        /must be 1/,
      ],
      [
        "an approval timeout past the 30 days aws:approve can wait",
        { "jit:approvalTimeout": 721 },
        "jit:approvalTimeout",
        /1 to 720/,
      ],
      ["an unknown approval mode", { "jit:approvalMode": "Chatbot_only" }, "jit:approvalMode", /webAndCli, chatOnly/],
      [
        "an approver group with the Automation form, whose approvers hold the approve set",
        { "jit:requestForm": "automation" },
        "jit:approverGroupId",
        /must be absent when jit:requestForm is automation/,
      ],
      [
        "an unknown request form",
        { "jit:requestForm": "changeRequest" },
        "jit:requestForm",
        /changeManager, automation/,
      ],
      [
        "Teams without a tenant",
        { ...TEAMS_CHAT, "jit:chat": { ...(TEAMS_CHAT["jit:chat"] as object), tenantId: undefined } },
        "jit:chat.tenantId",
        /required on Microsoft Teams/,
      ],
      [
        "a tenant on Slack",
        {
          ...SLACK_CHAT,
          "jit:chat": { ...(SLACK_CHAT["jit:chat"] as object), tenantId: "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
        },
        "jit:chat.tenantId",
        /Microsoft Teams setting/,
      ],
      [
        "a Slack channel id of the wrong shape",
        { ...SLACK_CHAT, "jit:chat": { ...(SLACK_CHAT["jit:chat"] as object), requesterChannel: { id: "general" } } },
        "jit:chat.requesterChannel.id",
        /Slack channel id/,
      ],
      [
        "one shared channel with a channel role, where approvers could not approve",
        {
          ...TEAMS_CHAT,
          "jit:chat": { ...(TEAMS_CHAT["jit:chat"] as object), requesterChannel: { id: "19%3aabc%40thread.tacv2" } },
        },
        "jit:chat.requesterChannel.auth",
        /must be userRole/,
      ],
      [
        "an unknown chat platform",
        { ...SLACK_CHAT, "jit:chat": { ...(SLACK_CHAT["jit:chat"] as object), platform: "discord" } },
        "jit:chat.platform",
        /slack, teams/,
      ],
      [
        "a management stack name with spaces",
        { "jit:managementStack": "my stack" },
        "jit:managementStack",
        /stack reference/,
      ],
      [
        "an approver link, which belongs to the management side now",
        { "jit:approverPortalUrl": "https://example.com" },
        "jit:approverPortalUrl",
        /belongs in the management stack's config now/,
      ],
      [
        "credentials not pinned to the requester account",
        { "aws:allowedAccountIds": ["111122223333"] },
        "aws:allowedAccountIds",
        /\["444455556666"\]/,
      ],
      [
        "a management side's setting",
        { "jit:identityStoreId": "d-93671a2b3c" },
        "jit:identityStoreId",
        /not a setting/,
      ],
    ];
    for (const [what, overrides, key, rule] of cases) {
      it(what, () => assertRejected(overrides, key, rule));
    }
  });
});
