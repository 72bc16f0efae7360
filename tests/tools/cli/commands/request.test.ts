import assert from "node:assert/strict";
import {
  GetAutomationExecutionCommand,
  GetDocumentCommand,
  ListDocumentsCommand,
  StartChangeRequestExecutionCommand,
} from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
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
import { identityCenterArn, type MockedSts, mockedSts } from "../support/sts";

const VALID = [
  "request",
  "--account",
  "777788889999",
  "--permission-set",
  "ViewOnlyAccess",
  "--duration",
  "2",
  "--reason",
  "INC-4711: read the payment service logs",
];

/** VALID with one flag's value replaced, or the flag added. */
const withFlag = (flag: string, value: string) =>
  VALID.includes(flag) ? VALID.map((v, i) => (VALID[i - 1] === flag ? value : v)) : [...VALID, flag, value];

describe("jit request", () => {
  // --user comes from JIT_USER when not given: the tests set it only where they mean to.
  const jitUser = process.env.JIT_USER;
  after(() => {
    if (jitUser === undefined) delete process.env.JIT_USER;
    else process.env.JIT_USER = jitUser;
  });

  let m: MockedSsm;
  beforeEach(async () => {
    delete process.env.JIT_USER;
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
      ChangeRequestName: "alice ViewOnlyAccess on 777788889999",
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
            PermissionSet: ["ViewOnlyAccess"],
            Duration: ["2"],
            DurationUnit: ["hours"],
            RequestingUser: ["alice"],
            Justification: ["INC-4711: read the payment service logs"],
          },
        },
      ],
      // The caller's aws:userid, so they (and approvers) may cancel it (shared/requestOwnership.ts).
      Tags: [{ Key: "JitRequestedBy", Value: "AROAEXAMPLEREQUEST001:alice" }],
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
    assert.equal(result.id, EXECUTION_ID);
    assert.equal(result.autoApprove, false);
    assert.equal(result.document, TEMPLATE);
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
      const run = await runJit(m.ssm, withFlag(flag, value));
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

  it("sends the unit the runbook offers, and refuses another --unit, naming it", async () => {
    const run = await runJit(m.ssm, [...VALID, "--unit", "minutes"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--unit "minutes" is not allowed: choose one of hours/);
    assert.equal(started().length, 0);
    const given = await runJit(m.ssm, [...VALID, "--unit", "hours"]);
    assert.equal(given.code, 0, given.stderr);
    assert.match(given.stdout, /duration 2 hours/);
  });

  it("reports every bad flag at once, one line each", async () => {
    const run = await runJit(m.ssm, [...withFlag("--duration", "99"), "--user", "a b", "--start", "yesterday"]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim().split("\n").length, 3);
    assert.match(run.stderr, /^jit: --duration/m);
    assert.match(run.stderr, /^jit: --user/m);
    assert.match(run.stderr, /^jit: --start/m);
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

  it("says there is neither form in the region when no document carries either tag, naming both (exit 1)", async () => {
    m.mock.on(ListDocumentsCommand).resolves({ DocumentIdentifiers: [] });
    const run = await runJit(m.ssm, VALID);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /no change template tagged Component=identity-center-jit-change-template and no Automation document tagged Component=identity-center-jit-request-form in eu-west-1/,
    );
    assert.deepEqual(
      m.mock.commandCalls(ListDocumentsCommand).map((c) => c.args[0].input.Filters),
      [
        [
          { Key: "DocumentType", Values: ["Automation.ChangeTemplate"] },
          { Key: "tag:Component", Values: ["identity-center-jit-change-template"] },
        ],
        [
          { Key: "DocumentType", Values: ["Automation"] },
          { Key: "tag:Component", Values: ["identity-center-jit-request-form"] },
        ],
      ],
      "looks for the change template, then for the Automation form",
    );
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

  describe("the requesting user: who the credentials sign for (sts:GetCallerIdentity)", () => {
    /** `jit request` signed in as `arn`, with `extra` flags. */
    const requestAs = async (arn: string, extra: string[] = []) => {
      const sts: MockedSts = mockedSts(arn);
      const run = await runJit(m.ssm, [...VALID, ...extra], { sts: sts.sts });
      return { run, sts };
    };
    const requestingUser = () => started()[0].args[0].input.Runbooks?.[0].Parameters?.RequestingUser;

    it("defaults to the user name of the caller's Identity Center session, asking STS once", async () => {
      const { run, sts } = await requestAs(identityCenterArn("carol.jones@example.com"));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(sts.mock.commandCalls(GetCallerIdentityCommand).length, 1);
      assert.deepEqual(requestingUser(), ["carol.jones@example.com"]);
      assert.equal(
        started()[0].args[0].input.ChangeRequestName,
        "carol.jones@example.com ViewOnlyAccess on 777788889999",
      );
    });

    it("accepts --user naming the session's user in another case, and sends the session's spelling", async () => {
      const { run } = await requestAs(identityCenterArn("Alice"), ["--user", "aLICE"]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(requestingUser(), ["Alice"]);
    });

    it("refuses --user naming someone else, naming both, before creating anything (exit 2)", async () => {
      const { run } = await requestAs(identityCenterArn("alice"), ["--user", "bob"]);
      assert.equal(run.code, 2);
      assert.equal(
        run.stderr,
        'jit: --user "bob" is not you: you are signed in to IAM Identity Center as alice, and the request check rejects requests in someone else\'s name\n',
      );
      assert.equal(started().length, 0, "no change request was started");
    });

    it("refuses JIT_USER naming someone else the same way", async () => {
      process.env.JIT_USER = "bob";
      const { run } = await requestAs(identityCenterArn("alice"));
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--user "bob" is not you: you are signed in to IAM Identity Center as alice/);
      assert.equal(started().length, 0);
    });

    const notIdentityCenter: [string, string][] = [
      ["an IAM role's session", "arn:aws:sts::444455556666:assumed-role/Admin/alice"],
      ["an IAM user", "arn:aws:iam::444455556666:user/alice"],
    ];
    for (const [what, arn] of notIdentityCenter) {
      it(`refuses a caller that is ${what}, not an Identity Center user, naming it (exit 2)`, async () => {
        const { run } = await requestAs(arn, ["--user", "alice"]);
        assert.equal(run.code, 2);
        assert.ok(run.stderr.includes(`jit: you are signed in as ${arn}, not as an IAM Identity Center user`));
        assert.match(
          run.stderr,
          /only accepts requests raised by an IAM Identity Center user signed in with a request permission set/,
        );
        assert.equal(started().length, 0);
      });
    }

    it("leaves the session's permission set to the management side, which knows the request permission sets", async () => {
      const { run } = await requestAs(identityCenterArn("alice", "AWSAdministratorAccess"));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(requestingUser(), ["alice"]);
    });

    it("checks the session's user name against the runbook's pattern like a flag", async () => {
      const { run } = await requestAs(identityCenterArn("al"));
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^jit: your IAM Identity Center user name "al" does not match /m);
      assert.equal(started().length, 0);
    });

    it("reports the identity problem with the other flags' problems, one line each", async () => {
      const { run } = await requestAs("arn:aws:iam::444455556666:user/alice", ["--duration", "99"]);
      assert.equal(run.code, 2);
      const lines = run.stderr.trim().split("\n");
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^jit: --duration "99" does not match/);
      assert.match(lines[1], /^jit: you are signed in as arn:aws:iam::444455556666:user\/alice/);
    });

    it("turns an STS error into one line (exit 1), calling nothing else", async () => {
      const sts = mockedSts();
      sts.mock.on(GetCallerIdentityCommand).rejects(
        Object.assign(new Error("The security token included in the request is expired"), {
          name: "ExpiredToken",
          $metadata: { httpStatusCode: 403 },
        }),
      );
      const run = await runJit(m.ssm, VALID, { sts: sts.sts });
      assert.equal(run.code, 1);
      assert.equal(run.stderr, "jit: ExpiredToken: The security token included in the request is expired\n");
      assert.equal(m.mock.calls().length, 0, "no SSM call");
    });

    it("turns missing credentials for STS into the usual line (exit 1)", async () => {
      const sts = mockedSts();
      sts.mock.on(GetCallerIdentityCommand).rejects(credentialsProviderError());
      const run = await runJit(m.ssm, VALID, { sts: sts.sts });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^jit: no AWS credentials: Could not load credentials from any providers/);
      assert.equal(started().length, 0);
    });

    it("refuses (exit 1), creating nothing, a caller whose aws:userid no SSM tag can hold", async () => {
      const sts = mockedSts(identityCenterArn("smith~john"));
      const run = await runJit(m.ssm, [...VALID, "--user", "smith~john"], { sts: sts.sts });
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^jit: your aws:userid "AROAEXAMPLEREQUEST001:smith~john" cannot be the JitRequestedBy tag/,
      );
      assert.equal(started().length, 0);
    });

    it("fails (exit 1) if STS names no caller", async () => {
      const sts = mockedSts();
      sts.mock.on(GetCallerIdentityCommand).resolves({});
      const run = await runJit(m.ssm, VALID, { sts: sts.sts });
      assert.equal(run.code, 1);
      assert.equal(run.stderr, "jit: STS GetCallerIdentity returned no caller ARN\n");
      assert.equal(started().length, 0);
    });
  });
});
