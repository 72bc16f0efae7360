/**
 * The chat aliases in each request form: the access-request alias raises the request with the deployed form (a
 * change request from the template, or with the Automation form the request runbook itself), while approve, reject and
 * end are the same in both, as both forms approve by signalling the request's execution.
 */
import assert from "node:assert/strict";
import { chatAliases } from "../../../requester/chat/aliases";
import { FORM_FIELDS } from "../../../shared/events";

const ARGS = {
  changeTemplateName: "idc-jit-sandbox-access-request",
  runbookName: "idc-jit-sandbox-request-access",
  endAccessDocumentName: "idc-jit-sandbox-end-access",
  region: "eu-west-1",
};

describe("chat aliases", () => {
  describe("with the Automation form", () => {
    const aliases = chatAliases({ ...ARGS, requestForm: "automation" });

    it("gives an access-request alias that starts the request runbook itself, with all six form fields as alias variables", () => {
      const parameters = /--parameters '([^']*)'/.exec(aliases.requestAccess);
      assert.ok(parameters, aliases.requestAccess);
      assert.equal(
        aliases.requestAccess,
        `@aws alias create access-request ssm start-automation-execution --document-name idc-jit-sandbox-request-access --parameters '${parameters[1]}' --region eu-west-1`,
      );
      assert.deepEqual(JSON.parse(parameters[1]), {
        AccountId: ["$accountid"],
        PermissionSet: ["$permissionset"],
        Duration: ["$duration"],
        DurationUnit: ["$durationunit"],
        RequestingUser: ["$username"],
        Justification: ["$justification"],
      });
      assert.deepEqual(Object.keys(JSON.parse(parameters[1])), [...FORM_FIELDS]);
    });

    it("never asks to skip approval, and raises no change request", () => {
      assert.doesNotMatch(aliases.requestAccess, /AutoApprove/);
      assert.doesNotMatch(aliases.requestAccess, /change-request|idc-jit-sandbox-access-request/);
    });

    it("gives the same approve, reject and end aliases as the Change Manager form", () => {
      const { requestAccess: _automation, ...others } = aliases;
      const { requestAccess: _changeManager, ...changeManagerOthers } = chatAliases({
        ...ARGS,
        requestForm: "changeManager",
      });
      assert.deepEqual(others, changeManagerOthers);
    });
  });

  it("with the Change Manager form, raises a change request from the template", () => {
    const { requestAccess } = chatAliases({ ...ARGS, requestForm: "changeManager" });
    assert.ok(
      requestAccess.startsWith(
        "@aws alias create access-request ssm start-change-request-execution --change-request-name $name --document-name idc-jit-sandbox-access-request ",
      ),
      requestAccess,
    );
  });
});
