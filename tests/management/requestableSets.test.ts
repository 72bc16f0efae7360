import assert from "node:assert/strict";
import { checkAccessWindow } from "../../management/requestableSets";
import { readManagementConfig } from "../../shared/config/management";
import { configReader } from "../support/configIssues";

const { read } = configReader("management-dev", readManagementConfig);

/** Each requestable set of the example stack, with the session duration Identity Center answers for it. */
const sessions = (duration: string) => ({
  AWSAdministratorAccess: duration,
  AWSPowerUserAccess: duration,
  JitVerifyCanary: "PT1H",
  NetworkAdministrator: duration,
  ViewOnlyAccess: duration,
});

describe("the effective access window, checked at deployment", () => {
  it("without jit:maxAccessWindow: no limit, and each set's session in minutes", () => {
    const minutes = checkAccessWindow(read(), sessions("PT12H"));
    assert.deepEqual(minutes, {
      AWSAdministratorAccess: 720,
      AWSPowerUserAccess: 720,
      JitVerifyCanary: 60,
      NetworkAdministrator: 720,
      ViewOnlyAccess: 720,
    });
  });

  it("accepts rules whose longest grant plus each set's session fits in jit:maxAccessWindow", () => {
    // engineers-view-only: 12h + 1h; network-on-call: 8h + 1h.
    assert.doesNotThrow(() => checkAccessWindow(read({ "jit:maxAccessWindow": "13h" }), sessions("PT1H")));
  });

  it("refuses each rule and set over it, naming the rule, the set, both figures and the key", () => {
    const config = read({ "jit:maxAccessWindow": "16h" });
    assert.throws(
      () => checkAccessWindow(config, sessions("PT8H")),
      (err: Error) => {
        assert.deepEqual(err.message.split("\n"), [
          "jit:maxAccessWindow: the rule engineers-view-only grants ViewOnlyAccess for up to 12 hours, and ViewOnlyAccess's session duration is 8 hours (sessions open when the grant ends last that long), so access lasts up to 20 hours, over jit:maxAccessWindow 16h (16 hours): shorten the rule's maxDuration or the set's session duration in IAM Identity Center, or raise jit:maxAccessWindow",
        ]);
        return true;
      },
    );
    // network-on-call's 8h plus an 8h session is 16h, at the limit: accepted above. Half an hour more is over too.
    const two = () => checkAccessWindow(config, { ...sessions("PT8H"), NetworkAdministrator: "PT8H30M" });
    assert.throws(
      two,
      /the rule network-on-call grants NetworkAdministrator for up to 8 hours, and NetworkAdministrator's session duration is 8 hours 30 minutes .* access lasts up to 16 hours 30 minutes, over jit:maxAccessWindow 16h/,
    );
    assert.throws(two, /the rule engineers-view-only grants ViewOnlyAccess/);
  });
});
