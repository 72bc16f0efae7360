/**
 * The simulator's Lambda runtime for uploaded code: a CommonJS module loaded with its own environment, console and
 * virtual time; `require` serving Node.js built-ins and the AWS SDK v3 clients (answered by the world, with the SDK's
 * exceptions and standard-mode retries) and nothing else.
 */
import assert from "node:assert/strict";
import { type ApiInput, AwsError, type Caller, errors } from "../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../tools/sim/clock";
import { Ids } from "../../../tools/sim/ids";
import { functionEnvironment, type UploadedFunction, uploadedHandler } from "../../../tools/sim/uploadedFunction";

const ROLE: Caller = {
  account: "111122223333",
  region: "eu-west-1",
  roleArn: "arn:aws:iam::111122223333:role/fn-role",
  sessionName: "fn",
};
const READER: Caller = { ...ROLE, account: "444455556666", roleArn: "arn:aws:iam::444455556666:role/reader" };

function fn(code: string, environment: Record<string, string> = {}): UploadedFunction {
  return {
    name: "fn",
    account: ROLE.account,
    region: ROLE.region,
    handler: "__index.handler",
    files: { "__index.js": code },
    environment,
    runtime: "nodejs22.x",
    memorySize: 256,
    timeoutSeconds: 60,
    role: ROLE,
  };
}

/** A world of one API: `answer` plays it; every call and log line is recorded. */
function runtime(answer: (api: string, input: ApiInput, caller: Caller, n: number) => unknown = () => ({})) {
  const calls: { api: string; caller: Caller; at: number }[] = [];
  const logs: string[] = [];
  const clock = new VirtualClock();
  return {
    calls,
    logs,
    clock,
    ids: new Ids("test"),
    async callAws(_service: string, api: string, input: ApiInput, caller: Caller) {
      calls.push({ api, caller, at: clock.now() });
      return answer(api, input, caller, calls.length);
    },
    sessionFor: (accessKeyId: string) => {
      if (accessKeyId !== "ASIAREADER") throw new AwsError("ExpiredTokenException", "unknown key");
      return READER;
    },
    writeLog: (_group: string, message: string) => logs.push(message),
  };
}

/** Runs `handler` to completion on the virtual clock. */
async function invoke(handler: (event: unknown) => Promise<unknown>, clock: VirtualClock, event: unknown = {}) {
  const result = handler(event).then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  await clock.run();
  return result;
}

const SSM = `const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm/dist-cjs/index.js");`;

describe("uploaded functions in the simulator", () => {
  it("sees its own environment, the runtime's variables among it, and never the process's", async () => {
    const rt = runtime();
    const code = `exports.handler = async () => ({ mine: process.env.SETTING, region: process.env.AWS_REGION,
      name: process.env.AWS_LAMBDA_FUNCTION_NAME, home: process.env.HOME, tz: process.env.TZ });`;
    const { value } = (await invoke(uploadedHandler(fn(code, { SETTING: "x" }), rt), rt.clock)) as { value: unknown };
    assert.deepEqual(value, { mine: "x", region: "eu-west-1", name: "fn", home: undefined, tz: ":UTC" });
    assert.equal(process.env.SETTING, undefined);
  });

  it("refuses an environment that sets a key Lambda reserves", () => {
    assert.throws(
      () => functionEnvironment(fn("", { AWS_REGION: "us-east-1" }), "stream"),
      /reserved keys \(AWS_REGION\)/,
    );
  });

  it("gets the Lambda context, and Date and setTimeout on the virtual clock", async () => {
    const rt = runtime();
    const code = `exports.handler = async (event, context) => {
      const before = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return { waited: Date.now() - before, start: new Date(before).toISOString(), name: context.functionName,
        remaining: context.getRemainingTimeInMillis() };
    };`;
    const { value } = (await invoke(uploadedHandler(fn(code), rt), rt.clock)) as { value: unknown };
    assert.deepEqual(value, { waited: 5000, start: new Date(START_TIME).toISOString(), name: "fn", remaining: 55_000 });
  });

  it("logs to its log group, a line per call with the time, the request id and the level", async () => {
    const rt = runtime();
    const code = `exports.handler = async () => { console.warn("careful: %d", 3); return 1; };`;
    await invoke(uploadedHandler(fn(code), rt), rt.clock);
    assert.match(rt.logs[0], /^2026-11-25T09:00:00\.000Z\t[0-9a-f-]{36}\tWARN\tcareful: 3$/);
  });

  it("requires Node.js built-ins and the SDK's clients, and nothing else, naming the module", async () => {
    const rt = runtime();
    const ok = await invoke(
      uploadedHandler(fn(`require("node:crypto"); ${SSM} exports.handler = async () => 1;`), rt),
      rt.clock,
    );
    assert.deepEqual(ok, { value: 1 });
    const bad = (await invoke(
      uploadedHandler(fn(`require("left-pad"); exports.handler = async () => 1;`), rt),
      rt.clock,
    )) as {
      error: Error;
    };
    assert.equal(bad.error.name, "Runtime.ImportModuleError");
    assert.match(bad.error.message, /Cannot find module 'left-pad'/);
  });

  it("sends SDK commands to the world as the function's role, or as the session of AssumeRole credentials", async () => {
    const rt = runtime(() => ({ Parameter: { Value: "v" } }));
    const code = `${SSM}
      exports.handler = async () => {
        const own = await new SSMClient({}).send(new GetParameterCommand({ Name: "/a" }));
        const reader = new SSMClient({ credentials: { accessKeyId: "ASIAREADER", secretAccessKey: "s" } });
        await reader.send(new GetParameterCommand({ Name: "/b" }));
        return { value: own.Parameter.Value, status: own.$metadata.httpStatusCode };
      };`;
    const { value } = (await invoke(uploadedHandler(fn(code), rt), rt.clock)) as { value: unknown };
    assert.deepEqual(value, { value: "v", status: 200 });
    assert.deepEqual(
      rt.calls.map((c) => [c.api, c.caller.roleArn]),
      [
        ["GetParameter", ROLE.roleArn],
        ["GetParameter", READER.roleArn],
      ],
    );
  });

  it("throws the SDK's own exception classes for AWS errors", async () => {
    const rt = runtime(() => {
      throw new AwsError("ParameterNotFound", "no /a");
    });
    const code = `const sdk = require("@aws-sdk/client-ssm");
      exports.handler = async () => {
        try { await new sdk.SSMClient({}).send(new sdk.GetParameterCommand({ Name: "/a" })); }
        catch (err) { return [err instanceof sdk.ParameterNotFound, err.name, err.message, err.$fault]; }
      };`;
    const { value } = (await invoke(uploadedHandler(fn(code), rt), rt.clock)) as { value: unknown };
    assert.deepEqual(value, [true, "ParameterNotFound", "no /a", "client"]);
  });

  it("retries throttling as the client is configured, backing off on the virtual clock", async () => {
    const rt = runtime((_api, _input, _caller, n) => {
      if (n <= 2) throw errors.throttling();
      return {};
    });
    const code = `${SSM}
      exports.handler = async () => {
        const r = await new SSMClient({ maxAttempts: 3 }).send(new GetParameterCommand({ Name: "/a" }));
        return r.$metadata;
      };`;
    const { value } = (await invoke(uploadedHandler(fn(code), rt), rt.clock)) as { value: { attempts: number } };
    assert.equal(value.attempts, 3);
    // The SDK's throttling backoff: at most 1 s, then at most 2 s.
    assert.deepEqual(
      rt.calls.map((c) => c.at - START_TIME),
      [0, 1000, 3000],
    );
  });

  it("gives up after maxAttempts, and never retries an error the SDK does not", async () => {
    const throttled = runtime(() => {
      throw errors.throttling();
    });
    const code = `${SSM}
      exports.handler = async () => new SSMClient({ maxAttempts: 2 }).send(new GetParameterCommand({ Name: "/a" }));`;
    const failed = (await invoke(uploadedHandler(fn(code), throttled), throttled.clock)) as { error: Error };
    assert.equal(failed.error.name, "ThrottlingException");
    assert.equal(throttled.calls.length, 2);
    const denied = runtime(() => {
      throw errors.accessDenied("no");
    });
    await invoke(uploadedHandler(fn(code), denied), denied.clock);
    assert.equal(denied.calls.length, 1);
  });
});
