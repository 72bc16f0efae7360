import assert from "node:assert/strict";
import { ACCOUNT_ASSIGNMENT_GUARD, assertValidDocument, checkDocument } from "../../../shared/ssm/check";
import type { Step } from "../../../shared/ssm/model";
import { sleep } from "../../../shared/ssm/steps";
import { automation, grantStep, located, notify, revokeStep, waitForDeletion } from "./support/documents";

const guards = [ACCOUNT_ASSIGNMENT_GUARD];
const guardFindings = (steps: readonly Step[]) =>
  checkDocument(automation(steps), "Automation", { guards }).filter((f) => f.rule.startsWith("revoke-"));

/** Grant, hold for an hour, revoke; a revoke that fails or is cancelled raises an Error notification. */
function guarded(options: { afterGrant?: Step; sleepOnCancel?: "Abort"; revokeOnFailure?: "Abort" } = {}) {
  const alert = notify("Notify_Revoke_Failed", "Error", { isEnd: true });
  // The revoke goes on to a step that ends: isEnd with an onFailure other than Abort would be ambiguous.
  const done = notify("Notify_Revoked", "AccessRevoked", { isEnd: true });
  const revoke = revokeStep("Revoke", { onFailure: options.revokeOnFailure ?? alert, onCancel: alert, nextStep: done });
  const hold = sleep("Hold", "PT1H", { onFailure: revoke, onCancel: options.sleepOnCancel ?? revoke });
  const grant = grantStep("Grant", { onCancel: revoke });
  return [grant, ...(options.afterGrant ? [options.afterGrant] : []), hold, revoke, alert, done];
}

describe("document checker: revoke after grant", () => {
  it("accepts a document where every path after the grant reaches the revoke", () => {
    assert.deepEqual(guardFindings(guarded()), []);
  });

  it("does not follow the grant's own failure edge: a refused call granted nothing", () => {
    const requestFailed = notify("Notify_Request_Failed", "Error", { isEnd: true });
    const [grant, ...rest] = guarded();
    const refusable = grantStep("Grant", { ...grant.flow, onFailure: requestFailed });
    assert.deepEqual(guardFindings([refusable, ...rest, requestFailed]), []);
  });

  it("reports a step after the grant whose failure aborts the execution by default", () => {
    const announce = notify("Notify_Access_Granted", "AccessGranted", { onCancel: () => revokeStep("Revoke") });
    const found = guardFindings(guarded({ afterGrant: announce }));
    assert.deepEqual(located(found), [
      { severity: "error", rule: "revoke-after-grant", step: "Notify_Access_Granted" },
    ]);
    assert.equal(
      found[0].message,
      "after Grant (sso-admin CreateAccountAssignment), step Notify_Access_Granted's failure edge (onFailure: Abort (default)) ends the execution without reaching a revoke (sso-admin DeleteAccountAssignment)",
    );
  });

  it("reports a cancellation during the sleep that ends without the revoke", () => {
    const found = guardFindings(guarded({ sleepOnCancel: "Abort" }));
    assert.deepEqual(located(found), [{ severity: "error", rule: "revoke-after-grant", step: "Hold" }]);
    assert.match(found[0].message, /step Hold's cancel edge \(onCancel: Abort\) ends the execution/);
  });

  it("reports a grant whose own cancellation ends the execution", () => {
    const revoke = revokeStep("Revoke", { isEnd: true, onFailure: () => alert, onCancel: () => alert });
    const alert = notify("Notify_Revoke_Failed", "Error", { isEnd: true });
    const found = guardFindings([grantStep("Grant"), revoke, alert]);
    assert.deepEqual(located(found), [{ severity: "error", rule: "revoke-after-grant", step: "Grant" }]);
    assert.match(found[0].message, /step Grant's cancel edge \(onCancel: Abort \(default\)\)/);
  });

  it("reports a grant that is the last step", () => {
    const found = guardFindings([grantStep("Grant", { onCancel: "Abort" })]);
    assert.deepEqual(
      found.map((f) => f.message.replace(/^.*step Grant's /, "").replace(/ ends the execution.*$/, "")),
      ["success edge (succeeded, last step)", "cancel edge (onCancel: Abort)"],
    );
  });
});

describe("document checker: revoke failure alerts", () => {
  it("reports a revoke whose failure ends the execution silently", () => {
    const found = guardFindings(guarded({ revokeOnFailure: "Abort" }));
    assert.deepEqual(located(found), [{ severity: "error", rule: "revoke-failure-alerts", step: "Revoke" }]);
    assert.equal(
      found[0].message,
      "when Revoke fails or is cancelled, step Revoke's failure edge (onFailure: Abort) ends the execution without an Error notification (sns Publish with EventType Error)",
    );
  });

  it("reports a revoke failure that only reaches a notification of another event type", () => {
    const notice = notify("Notify_Access_Revoked", "AccessRevoked", { isEnd: true });
    const revoke = revokeStep("Revoke", { onFailure: notice, onCancel: notice, isEnd: true });
    const found = guardFindings([grantStep("Grant", { onCancel: revoke }), revoke, notice]);
    assert.deepEqual(
      found.map((f) => `${f.step}: ${f.message.replace(/^.*'s /, "").replace(/ ends the execution.*$/, "")}`),
      [
        "Notify_Access_Revoked: success edge (succeeded, isEnd)",
        "Notify_Access_Revoked: failure edge (onFailure: Abort (default))",
        "Notify_Access_Revoked: cancel edge (onCancel: Abort (default))",
      ],
    );
  });

  it("reports a deletion-status wait whose failure ends the execution silently", () => {
    const alert = notify("Notify_Revoke_Failed", "Error", { isEnd: true });
    const revoke = revokeStep("Revoke", { onFailure: alert, onCancel: alert });
    const wait = waitForDeletion("Wait_For_Revocation", revoke, { onCancel: alert, isEnd: true });
    const found = guardFindings([grantStep("Grant", { onCancel: revoke }), revoke, wait, alert]);
    assert.deepEqual(located(found), [
      { severity: "error", rule: "revoke-failure-alerts", step: "Wait_For_Revocation" },
    ]);
    assert.match(
      found[0].message,
      /^when Wait_For_Revocation fails or is cancelled, .*failure edge \(onFailure: Abort \(default\)\)/,
    );
  });

  it("accepts a cancelled revoke that hands over to another revoke, whose own failures alert", () => {
    const alert = notify("Notify_Revoke_Failed", "Error", { isEnd: true });
    const cleanup = revokeStep("Cleanup_Revoke", { onFailure: alert, onCancel: alert, isEnd: true });
    const revoke = revokeStep("Revoke", { onFailure: alert, onCancel: cleanup, isEnd: true });
    assert.deepEqual(guardFindings([grantStep("Grant", { onCancel: cleanup }), revoke, cleanup, alert]), []);
  });
});

describe("assertValidDocument", () => {
  it("throws an error listing every error finding", () => {
    assert.throws(
      () =>
        assertValidDocument(automation(guarded({ sleepOnCancel: "Abort", revokeOnFailure: "Abort" })), "Automation", {
          guards,
        }),
      (e: Error) => {
        assert.match(e.message, /^Automation document has 2 error\(s\):\n/);
        assert.match(e.message, /error \[revoke-after-grant\] Hold: /);
        assert.match(e.message, /error \[revoke-failure-alerts\] Revoke: /);
        return true;
      },
    );
  });

  it("passes a document with warnings only", () => {
    assert.doesNotThrow(() => assertValidDocument(automation(guarded()), "Automation", { guards }));
  });
});
