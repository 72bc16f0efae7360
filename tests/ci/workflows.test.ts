/**
 * The GitHub workflows, read as GitHub would run them: each `${{ }}` expression is evaluated for a pull request, a
 * push to main and a pull request from a fork, and the Pulumi steps a run would execute are compared with the stack
 * files in the repository.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, parseDocument } from "yaml";

// Current major of pulumi/actions: v7 (7.0.0, May 2026, Node 24 runtime; CHANGELOG.md of github.com/pulumi/actions).
const PULUMI_ACTION = "pulumi/actions@v7";
const ROOT = path.resolve(__dirname, "../..");

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  needs?: string | string[];
  concurrency?: { group: string; "cancel-in-progress"?: string | boolean };
  strategy?: { matrix?: Record<string, unknown> };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function source(name: string): string {
  return readFileSync(path.join(ROOT, ".github/workflows", name), "utf8");
}

function workflow(name: string): Workflow {
  return parse(source(name)) as Workflow;
}

// --- A small evaluator for GitHub expressions: paths, literals, ==, !=, !, &&, || and parentheses. ---

type Context = Record<string, unknown>;
const TOKEN = /\s*(?:(==|!=|&&|\|\||[()!])|'((?:[^']|'')*)'|(\d+)|([A-Za-z_][\w.-]*))/y;

function truthy(value: unknown): boolean {
  return !(value === false || value === 0 || value === "" || value === null || value === undefined);
}

function evaluate(expression: string, context: Context): unknown {
  const tokens: { op?: string; value?: unknown }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.trimEnd().length) {
    const m = TOKEN.exec(expression);
    assert.ok(m, `cannot read the expression ${expression}`);
    if (m[1]) tokens.push({ op: m[1] });
    else if (m[2] !== undefined) tokens.push({ value: m[2].replaceAll("''", "'") });
    else if (m[3]) tokens.push({ value: Number(m[3]) });
    else tokens.push({ value: lookup(m[4], context) });
  }
  let at = 0;
  const accept = (op: string): boolean => {
    if (tokens[at]?.op !== op) return false;
    at++;
    return true;
  };
  const primary = (): unknown => {
    if (accept("!")) return !truthy(primary());
    if (accept("(")) {
      const inner = or();
      assert.ok(accept(")"), `unbalanced parentheses in ${expression}`);
      return inner;
    }
    const token = tokens[at++];
    assert.ok(token && token.op === undefined, `unexpected token in ${expression}`);
    return token.value;
  };
  const equality = (): unknown => {
    const left = primary();
    if (accept("==")) return left === primary();
    if (accept("!=")) return left !== primary();
    return left;
  };
  const and = (): unknown => {
    let left = equality();
    while (accept("&&")) {
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (accept("||")) {
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const result = or();
  assert.equal(at, tokens.length, `trailing tokens in ${expression}`);
  return result;
}

function lookup(name: string, context: Context): unknown {
  if (name === "true" || name === "false") return name === "true";
  if (name === "null") return null;
  let value: unknown = context;
  for (const key of name.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** A value as GitHub sees it: one whole expression keeps its type, anything else is text. */
function render(template: unknown, context: Context): unknown {
  if (typeof template !== "string") return template;
  const whole = /^\$\{\{(.*)\}\}$/s.exec(template.trim());
  if (whole && !whole[1].includes("}}")) return evaluate(whole[1], context);
  return template.replace(/\$\{\{(.*?)\}\}/g, (_, inner: string) => String(evaluate(inner, context) ?? ""));
}

/** An `if:` holds an expression with or without `${{ }}`. */
function condition(text: string, context: Context): boolean {
  return truthy(render(text.trim().startsWith("${{") ? text : `\${{ ${text} }}`, context));
}

// --- Runs of the deploy job. ---

const VARS = {
  PULUMI_ORG: "acme",
  MANAGEMENT_ROLE_ARN: "arn:aws:iam::111122223333:role/pulumi-deploy",
  REQUESTER_ROLE_ARN: "arn:aws:iam::444455556666:role/pulumi-deploy",
};
const REPOSITORY = "acme/identity-center-jit";

type Event = "pull request" | "push to main" | "fork pull request";

function githubContext(event: Event, run: number): Context {
  const common = { repository: REPOSITORY, run_id: run, sha: `${run}`.padStart(40, "0") };
  if (event === "push to main") return { ...common, event_name: "push", ref: "refs/heads/main" };
  const head = event === "fork pull request" ? "someone/identity-center-jit" : REPOSITORY;
  return {
    ...common,
    event_name: "pull_request",
    ref: "refs/pull/7/merge",
    event: { number: 7, pull_request: { head: { repo: { full_name: head } } } },
  };
}

interface PulumiRun {
  command: unknown;
  stack: unknown;
  role: unknown;
}

/** The repository's Pulumi tokens: the one that updates stacks, and the read-only one previews get. */
const SECRETS = { PULUMI_ACCESS_TOKEN: "token-that-updates", PULUMI_PREVIEW_TOKEN: "read-only-token" };
interface JobRun {
  environment: string;
  runs: boolean;
  githubEnvironment: unknown;
  concurrency: { group: unknown; cancel: unknown };
  pulumi: PulumiRun[];
  stepsBeforeCredentials: Step[];
}

function environments(job: Job): string[] {
  const matrix = job.strategy?.matrix;
  assert.ok(matrix, "the deploy job has no matrix");
  assert.deepEqual(Object.keys(matrix), ["environment"], "the matrix is over environments only");
  const list = matrix.environment;
  assert.ok(Array.isArray(list) && list.every((e) => typeof e === "string"));
  return list;
}

function runJob(job: Job, environment: string, event: Event, run = 1): JobRun {
  const context: Context = { github: githubContext(event, run), vars: VARS, matrix: { environment }, secrets: {} };
  context.env = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, render(v, context)]));
  const pulumi: PulumiRun[] = [];
  let role: unknown;
  let firstCredentials = -1;
  job.steps.forEach((step, index) => {
    if (step.if !== undefined && !condition(step.if, context)) return;
    if (step.uses?.startsWith("aws-actions/configure-aws-credentials@")) {
      role = render(step.with?.["role-to-assume"], context);
      if (firstCredentials < 0) firstCredentials = index;
    }
    if (step.uses?.startsWith("pulumi/actions@") && step.with?.command !== undefined) {
      pulumi.push({
        command: render(step.with?.command, context),
        stack: render(step.with?.["stack-name"], context),
        role,
      });
    }
  });
  return {
    environment,
    runs: job.if === undefined || condition(job.if, context),
    githubEnvironment: render(job.environment, context),
    concurrency: {
      group: render(job.concurrency?.group, context),
      cancel: render(job.concurrency?.["cancel-in-progress"], context),
    },
    pulumi,
    stepsBeforeCredentials: job.steps.slice(0, firstCredentials < 0 ? job.steps.length : firstCredentials),
  };
}

function deployJob(): Job {
  const jobs = Object.values(workflow("deploy.yml").jobs);
  assert.equal(jobs.length, 1, "one job per environment, its two stacks as ordered steps");
  return jobs[0];
}

function runs(event: Event): JobRun[] {
  const job = deployJob();
  return environments(job).map((environment) => runJob(job, environment, event));
}

function stackConfig(stack: string): Record<string, unknown> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  assert.ok(existsSync(file), `the workflow deploys ${stack} but there is no Pulumi.${stack}.yaml`);
  return (parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

describe("CI workflows", () => {
  it("are valid YAML without duplicate keys", () => {
    for (const name of ["test.yml", "deploy.yml"]) {
      const doc = parseDocument(source(name), { uniqueKeys: true });
      assert.deepEqual(doc.errors, [], `${name}: ${doc.errors.join("; ")}`);
      assert.deepEqual(doc.warnings, [], `${name}: ${doc.warnings.join("; ")}`);
    }
  });

  it("test runs .ci/run on pull requests and pushes, reading contents only, with no cloud credentials", () => {
    const test = workflow("test.yml");
    assert.ok("pull_request" in test.on && "push" in test.on);
    assert.deepEqual(test.permissions, { contents: "read" });
    const steps = Object.values(test.jobs).flatMap((job) => {
      assert.equal(job.permissions, undefined, "no job widens the workflow's permissions");
      return job.steps;
    });
    assert.ok(steps.some((s) => s.run?.includes(".ci/run")));
    assert.ok(steps.every((s) => !s.uses?.startsWith("aws-actions/") && !s.uses?.startsWith("pulumi/")));
    assert.doesNotMatch(source("test.yml"), /secrets\.|id-token/);
  });

  describe("deploy", () => {
    it(`uses ${PULUMI_ACTION} for every Pulumi step (one only installs the CLI, for the pre-flight)`, () => {
      const uses = deployJob().steps.flatMap((s) => (s.uses?.startsWith("pulumi/") ? [s.uses] : []));
      assert.deepEqual(uses, [PULUMI_ACTION, PULUMI_ACTION, PULUMI_ACTION]);
    });

    it("before the management stack's up (never before a preview), refuses an update that would strand running grants", () => {
      const job = deployJob();
      const steps = job.steps.filter((s) => s.run?.includes("jit preflight"));
      assert.equal(steps.length, 1, "one pre-flight step");
      const [preflight] = steps;
      const at = job.steps.indexOf(preflight);
      const install = job.steps[at - 1];
      assert.equal(install.uses, PULUMI_ACTION);
      assert.equal(install.with?.command, undefined, "the step before only installs the CLI");
      const upAt = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/") && s.with?.command !== undefined);
      assert.ok(at < upAt, "before the management stack's up");
      const credentialsAt = job.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      assert.ok(credentialsAt < at - 1, "with the management account's credentials");
      for (const event of ["push to main", "pull request"] as const) {
        const context: Context = { github: githubContext(event, 1), vars: VARS, matrix: { environment: "dev" } };
        for (const step of [install, preflight]) {
          assert.equal(step.if !== undefined && condition(step.if, context), event === "push to main", event);
        }
        assert.equal(render(preflight.env?.STACK, context), "acme/management-dev");
      }
      const script = String(preflight.run);
      assert.match(script, /^set -euo pipefail$/m, "any failure stops the job before the up");
      assert.match(script, /pulumi preview --json --refresh --stack "\$STACK" > "\$RUNNER_TEMP\/preview\.json"/);
      assert.match(script, /outputs="\$\(pulumi stack output --json --stack "\$STACK"\)"/);
      assert.match(script, /jq -er '\.grantTableName'/, "a deployed stack without the table's output fails the step");
      assert.match(script, /region="\$\(pulumi config get aws:region --stack "\$STACK"\)"/);
      assert.match(
        script,
        /npx jit preflight --region "\$region" --preview "\$RUNNER_TEMP\/preview\.json" \$\{table:\+--table "\$table"\}/,
      );
      assert.doesNotMatch(script, /\$\{\{/, "no expression is pasted into the script");
    });

    it("previews a pull request: management stack before requester, each with its own account's role", () => {
      for (const run of runs("pull request")) {
        assert.ok(run.runs);
        assert.deepEqual(run.pulumi, [
          { command: "preview", stack: `acme/management-${run.environment}`, role: VARS.MANAGEMENT_ROLE_ARN },
          { command: "preview", stack: `acme/requester-${run.environment}`, role: VARS.REQUESTER_ROLE_ARN },
        ]);
      }
    });

    it("runs up on a push to main, management stack before requester", () => {
      for (const run of runs("push to main")) {
        assert.ok(run.runs);
        assert.deepEqual(run.pulumi, [
          { command: "up", stack: `acme/management-${run.environment}`, role: VARS.MANAGEMENT_ROLE_ARN },
          { command: "up", stack: `acme/requester-${run.environment}`, role: VARS.REQUESTER_ROLE_ARN },
        ]);
      }
    });

    it("after an up on main (never after a preview), names jit verify as the next step, and runs it nowhere", () => {
      const job = deployJob();
      const next = job.steps.filter((s) => s.run?.includes("jit verify"));
      assert.equal(next.length, 1, "one step names jit verify");
      const [step] = next;
      assert.ok(job.steps.indexOf(step) > job.steps.findLastIndex((s) => s.uses?.startsWith("pulumi/")), "after up");
      for (const event of ["push to main", "pull request"] as const) {
        const context: Context = { github: githubContext(event, 1), vars: VARS, matrix: { environment: "dev" } };
        assert.equal(step.if !== undefined && condition(step.if, context), event === "push to main", event);
      }
      assert.match(String(step.run), /GITHUB_STEP_SUMMARY/);
      assert.doesNotMatch(String(step.run).replace(/echo .*$/gm, ""), /jit verify/, "it only prints the command");
    });

    it("skips pull requests from forks, which get no secrets or OIDC token", () => {
      for (const run of runs("fork pull request")) assert.equal(run.runs, false);
    });

    it("runs .ci/run before any credentials exist", () => {
      for (const run of runs("push to main")) {
        assert.ok(run.stepsBeforeCredentials.some((s) => s.run?.includes(".ci/run")));
        assert.ok(run.stepsBeforeCredentials.every((s) => s.env === undefined && !s.uses?.startsWith("pulumi/")));
      }
    });

    it("gets AWS credentials through OIDC only, never from stored keys", () => {
      const job = deployJob();
      assert.equal(job.permissions?.["id-token"], "write");
      for (const name of ["test.yml", "deploy.yml"]) {
        assert.doesNotMatch(source(name), /aws-access-key-id|aws-secret-access-key|aws-session-token/i, name);
      }
      for (const step of job.steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))) {
        assert.match(String(step.with?.["role-to-assume"]), /^\$\{\{ vars\.[A-Z_]+_ROLE_ARN \}\}$/);
      }
    });

    it("gives previews the read-only token and up the token that updates, never the other, even when one is missing", () => {
      const job = deployJob();
      const pulumiSteps = job.steps.filter((st) => st.uses?.startsWith("pulumi/") && st.with?.command !== undefined);
      const tokens = (event: Event, secrets: Record<string, string>) =>
        pulumiSteps.map((st) =>
          render(st.env?.PULUMI_ACCESS_TOKEN, {
            github: githubContext(event, 1),
            vars: VARS,
            matrix: { environment: "dev" },
            secrets,
          }),
        );
      assert.deepEqual(tokens("pull request", SECRETS), ["read-only-token", "read-only-token"]);
      assert.deepEqual(tokens("push to main", SECRETS), ["token-that-updates", "token-that-updates"]);
      const { PULUMI_ACCESS_TOKEN } = SECRETS;
      assert.deepEqual(tokens("pull request", { PULUMI_ACCESS_TOKEN }), ["", ""], "no fallback to the updating token");
    });

    it("gives the Pulumi access token to the Pulumi steps only", () => {
      const job = deployJob();
      assert.doesNotMatch(JSON.stringify(job.env ?? {}), /secrets\./, "job-wide env would reach .ci/run");
      for (const step of job.steps) {
        const token = step.env?.PULUMI_ACCESS_TOKEN;
        if (step.uses?.startsWith("pulumi/") && step.with?.command !== undefined) {
          assert.match(String(token), /secrets\.PULUMI_PREVIEW_TOKEN/);
        } else if (step.run?.includes("jit preflight")) {
          // It runs on a push to main only (the test above), so it gets the token that updates.
          assert.match(String(token), /^\$\{\{ secrets\.PULUMI_ACCESS_TOKEN \}\}$/);
        } else assert.equal(step.env, undefined, `${step.name ?? step.uses ?? step.run} sees no secrets`);
      }
    });

    it("deploys only stacks that have a Pulumi.<stack>.yaml of the right side and environment", () => {
      const project = (parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
      for (const event of ["pull request", "push to main"] as const) {
        for (const run of runs(event)) {
          const [management, requester] = run.pulumi.map((p) => String(p.stack).replace(/^acme\//, ""));
          assert.equal(stackConfig(management)["jit:side"], "management");
          assert.equal(stackConfig(requester)["jit:side"], "requester");
          for (const stack of [management, requester]) {
            assert.equal(stackConfig(stack)["jit:environment"], run.environment);
          }
          // The requester stack reads the management stack deployed just before it.
          assert.match(String(stackConfig(requester)["jit:managementStack"]), new RegExp(`/${project}/${management}$`));
        }
      }
    });

    it("deploys in a protected GitHub environment per environment and previews in its read-only twin", () => {
      for (const run of runs("push to main")) assert.equal(run.githubEnvironment, run.environment);
      for (const run of runs("pull request")) assert.equal(run.githubEnvironment, `${run.environment}-preview`);
    });

    it("never runs two ups of one environment at once, nor cancels one, while a newer preview cancels an older", () => {
      const job = deployJob();
      for (const environment of ["dev", "prod"]) {
        const up = runJob(job, environment, "push to main", 1);
        const nextUp = runJob(job, environment, "push to main", 2);
        const preview = runJob(job, environment, "pull request", 3);
        assert.equal(up.concurrency.group, nextUp.concurrency.group, "successive ups queue in one group");
        assert.equal(up.concurrency.cancel, false);
        assert.notEqual(preview.concurrency.group, up.concurrency.group, "a preview never displaces a queued up");
        assert.equal(preview.concurrency.cancel, true);
      }
      const groups = ["dev", "prod"].map((environment) => runJob(job, environment, "push to main").concurrency.group);
      assert.notEqual(groups[0], groups[1], "environments do not wait for each other");
    });
  });
});
