import assert from "node:assert/strict";
import {
  GetAutomationExecutionCommand,
  GetDocumentCommand,
  ListDocumentsCommand,
  StartChangeRequestExecutionCommand,
} from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import {
  credentialsProviderError,
  EXECUTION_ID,
  givenDeployedForm,
  type MockedSsm,
  mockedSsm,
  RUNBOOK,
  TEMPLATE,
} from "../support/ssm";

const VALID = [
  "request",
  "--account",
  "777788889999",
  "--permission-set",
  "AWSReadOnlyAccess",
  "--duration",
  "2",
  "--reason",
  "INC-4711: read the payment service logs",
  "--user",
  "alice",
];

/** VALID with one flag's value replaced. */
const withFlag = (flag: string, value: string) => VALID.map((v, i) => (VALID[i - 1] === flag ? value : v));

describe("jit request", () => {
  let m: MockedSsm;
  beforeEach(async () => {
    m = mockedSsm();
    await givenDeployedForm(m.mock);
    m.mock.on(StartChangeRequestExecutionCommand).resolves({ AutomationExecutionId: EXECUTION_ID });
    m.mock.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { OpsItemId: "oi-0123456789ab" } });
  });

  const started = () => m.mock.commandCalls(StartChangeRequestExecutionCommand);

  it("finds the change template by its Component tag among change templates", async () => {
    await runJit(m.ssm, VALID);
    assert.deepEqual(m.mock.commandCalls(ListDocumentsCommand)[0].args[0].input.Filters, [
      { Key: "DocumentType", Values: ["Automation.ChangeTemplate"] },
      { Key: "tag:Component", Values: ["identity-center-jit-change-template"] },
    ]);
    assert.deepEqual(
      m.mock.commandCalls(GetDocumentCommand).map((c) => c.args[0].input.Name),
      [TEMPLATE, RUNBOOK],
      "reads the template, then the runbook it names",
    );
  });

  it("starts the change request with the runbook's parameters and AutoApprove false, and prints its link", async () => {
    const run = await runJit(m.ssm, VALID);
    assert.equal(run.code, 0, run.stderr);
    const [call] = started();
    assert.deepEqual(call.args[0].input, {
      DocumentName: TEMPLATE,
      ChangeRequestName: "alice AWSReadOnlyAccess on 777788889999",
      ChangeDetails: "INC-4711: read the payment service logs",
      AutoApprove: false,
      ScheduledTime: undefined,
      Runbooks: [
        {
          DocumentName: RUNBOOK,
          DocumentVersion: "$DEFAULT",
          MaxConcurrency: "1",
          MaxErrors: "1",
          Parameters: {
            AccountId: ["777788889999"],
            PermissionSet: ["AWSReadOnlyAccess"],
            Duration: ["2"],
            RequestingUser: ["alice"],
            Justification: ["INC-4711: read the payment service logs"],
          },
        },
      ],
    });
    assert.match(run.stdout, new RegExp(`Change request ${EXECUTION_ID} raised`));
    assert.match(
      run.stdout,
      /https:\/\/eu-west-1\.console\.aws\.amazon\.com\/systems-manager\/change-manager\?region=eu-west-1#\/change-request\/view-details\/oi-0123456789ab\/details/,
    );
  });

  it("sends AutoApprove true with --auto-approve, and the scheduled start with --start", async () => {
    const run = await runJit(m.ssm, [...VALID, "--auto-approve", "--start", "2026-11-25T14:00:00+01:00"]);
    assert.equal(run.code, 0, run.stderr);
    const input = started()[0].args[0].input;
    assert.equal(input.AutoApprove, true);
    assert.deepEqual(input.ScheduledTime, new Date("2026-11-25T13:00:00Z"));
  });

  it("prints the result as JSON with --json", async () => {
    const run = await runJit(m.ssm, [...VALID, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.changeRequestId, EXECUTION_ID);
    assert.equal(result.autoApprove, false);
    assert.equal(result.template, TEMPLATE);
    assert.equal(result.parameters.Duration, "2");
    assert.match(result.link, /view-details\/oi-0123456789ab\/details$/);
  });

  it("links to the Automation execution when the change request's OpsItem cannot be read", async () => {
    m.mock.on(GetAutomationExecutionCommand).rejects(new Error("AccessDenied"));
    const run = await runJit(m.ssm, VALID);
    assert.equal(run.code, 0);
    assert.match(run.stdout, new RegExp(`systems-manager/automation/execution/${EXECUTION_ID}\\?region=eu-west-1`));
  });

  const refused: [string, string, string, RegExp][] = [
    ["an account id of 11 digits", "--account", "77778888999", /--account "77778888999" does not match \^\\d\{12\}\$/],
    ["an account id with a newline after it", "--account", "777788889999\n", /--account "777788889999\\n" does not/],
    [
      "a permission set the runbook does not offer",
      "--permission-set",
      "Billing",
      /choose one of AWSAdministratorAccess/,
    ],
    [
      "a duration above the longest",
      "--duration",
      "13",
      /--duration "13" does not match .*a whole number from 1 to 12/,
    ],
    ["a duration of zero", "--duration", "0", /--duration "0" does not match/],
    ["a user name with a space", "--user", "alice smith", /--user "alice smith" does not match/],
    ["a reason with a double quote", "--reason", 'INC-4711 "urgent" fix', /--reason .* does not match/],
    ["a reason under 10 characters", "--reason", "fix it", /--reason "fix it" does not match/],
    ["a start that is not ISO 8601", "--start", "tomorrow", /--start "tomorrow" is not an ISO 8601 time/],
    [
      "a start without a time zone",
      "--start",
      "2026-11-26T09:00",
      /--start "2026-11-26T09:00" is not an ISO 8601 time/,
    ],
    ["a start on 30 February", "--start", "2027-02-30T09:00Z", /--start "2027-02-30T09:00Z" is not an ISO 8601/],
  ];
  for (const [what, flag, value, message] of refused) {
    it(`refuses ${what} before creating anything (exit 2)`, async () => {
      const argv = flag === "--start" ? [...VALID, flag, value] : withFlag(flag, value);
      const run = await runJit(m.ssm, argv);
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.equal(started().length, 0, "no change request was started");
    });
  }

  it("refuses a start in the past, naming --start", async () => {
    const run = await runJit(m.ssm, [...VALID, "--start", "2026-11-25T08:00:00Z"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--start 2026-11-25T08:00:00Z is not in the future/);
    assert.equal(started().length, 0);
  });

  it("reports every bad flag at once, one line each", async () => {
    const run = await runJit(
      m.ssm,
      withFlag("--duration", "99").map((v) => (v === "alice" ? "a b" : v)),
    );
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim().split("\n").length, 2);
    assert.match(run.stderr, /^jit: --duration/m);
    assert.match(run.stderr, /^jit: --user/m);
  });

  it("applies the runbook's own rules, not a copy: a runbook allowing 24 accepts a duration of 13", async () => {
    const m24 = mockedSsm();
    await givenDeployedForm(m24.mock, (runbook) => {
      const parameters = runbook.parameters as Record<string, { allowedPattern?: string }>;
      parameters.Duration.allowedPattern = "^([1-9]|1\\d|2[0-4])$";
    });
    m24.mock.on(StartChangeRequestExecutionCommand).resolves({ AutomationExecutionId: EXECUTION_ID });
    const run = await runJit(m24.ssm, withFlag("--duration", "13"));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(m24.mock.commandCalls(StartChangeRequestExecutionCommand).length, 1);
  });

  it("matches an unanchored runbook pattern against the whole value", async () => {
    const loose = mockedSsm();
    await givenDeployedForm(loose.mock, (runbook) => {
      const parameters = runbook.parameters as Record<string, { allowedPattern?: string }>;
      parameters.AccountId.allowedPattern = "\\d{12}";
    });
    const run = await runJit(loose.ssm, withFlag("--account", "7777888899990"));
    assert.equal(run.code, 2);
    assert.equal(loose.mock.commandCalls(StartChangeRequestExecutionCommand).length, 0);
  });

  it("refuses --auto-approve when the template is not auto-approvable", async () => {
    const strict = mockedSsm();
    await givenDeployedForm(strict.mock, (_, template) => {
      template.autoApprovable = false;
    });
    const run = await runJit(strict.ssm, [...VALID, "--auto-approve"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--auto-approve: the change template idc-jit-dev-access-request does not allow/);
    assert.equal(strict.mock.commandCalls(StartChangeRequestExecutionCommand).length, 0);
  });

  it("names a missing required flag and exits 2 without calling AWS", async () => {
    const withoutReason = VALID.filter((v, i) => v !== "--reason" && VALID[i - 1] !== "--reason");
    const run = await runJit(m.ssm, withoutReason);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /required option '--reason <text>' not specified/);
    assert.equal(m.mock.calls().length, 0);
  });

  it("says there is no change template in the region when none carries the tag (exit 1)", async () => {
    m.mock.on(ListDocumentsCommand).resolves({ DocumentIdentifiers: [] });
    const run = await runJit(m.ssm, VALID);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no change template tagged Component=identity-center-jit-change-template in eu-west-1/);
  });

  it("asks for --template when more than one template carries the tag, and accepts one of them", async () => {
    m.mock
      .on(ListDocumentsCommand)
      .resolves({ DocumentIdentifiers: [{ Name: TEMPLATE }, { Name: "idc-jit-prod-access-request" }] });
    const ambiguous = await runJit(m.ssm, VALID);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /more than one .* choose one with --template/);
    const chosen = await runJit(m.ssm, [...VALID, "--template", TEMPLATE]);
    assert.equal(chosen.code, 0, chosen.stderr);
  });

  it("turns missing credentials into one line (exit 1)", async () => {
    m.mock.on(ListDocumentsCommand).rejects(credentialsProviderError());
    const run = await runJit(m.ssm, [...VALID, "--profile", "dev"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'jit: no AWS credentials for profile dev: Could not load credentials from any providers (sign in with "aws sso login --profile dev", or pass --profile)\n',
    );
    assert.equal(started().length, 0);
  });
});
