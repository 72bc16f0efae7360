/**
 * Runs a Lambda function's uploaded code (the module text in its deployment package) the way the Node.js runtime
 * loads a CommonJS handler: the module wrapper, `require`, `exports.<handler>` called as `handler(event, context)`.
 * Each function gets its own `process.env` (its configured variables plus the runtime's), its own `console` (lines go
 * to its log group, as Lambda sends them), and `Date` and timers on the virtual clock; the process's globals are never
 * swapped, since several functions run interleaved. `require` serves Node.js built-ins and the AWS SDK v3 clients the
 * runtime provides (answered by the simulated world, ./functions.ts); anything else is an error naming the module.
 *
 * AWS Lambda Developer Guide: "Define Lambda function handler in Node.js" (the handler setting `<file>.<export>`,
 * async handlers), "Using the Lambda context object to retrieve Node.js function information", "Working with Lambda
 * environment variables" (defined runtime environment variables; reserved keys cannot be set), "Log and monitor
 * Node.js Lambda functions" (text log lines: time, request id, level, message), "Building Lambda functions with
 * Node.js" (the Node.js runtimes include the AWS SDK for JavaScript v3).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { builtinModules } from "node:module";
import { format } from "node:util";
import { compileFunction } from "node:vm";
import type { Caller } from "./aws";
import type { VirtualClock } from "./clock";
import { type FunctionRuntime, simulatedSdk } from "./functions";

export interface UploadedFunction {
  name: string;
  account: string;
  region: string;
  /** The handler setting, `<module>.<export>` (CallbackFunction's is `__index.handler`). */
  handler: string;
  /** The deployment package: file name -> text. */
  files: Readonly<Record<string, string>>;
  /** The function's configured environment variables. */
  environment: Readonly<Record<string, string>>;
  /** The runtime identifier, such as nodejs22.x. */
  runtime: string;
  memorySize?: number;
  timeoutSeconds: number;
  logGroup?: string;
  /** The execution role's session, which clients without credentials of their own act as. */
  role: Caller;
}

/** What a function's code may do outside itself: the world's APIs and clock, and writing its log lines. */
export interface UploadedRuntime extends FunctionRuntime {
  writeLog(logGroup: string, message: string): void;
}

/** Variables the runtime sets and a function's configuration may not (configuration-envvars, "Reserved"). */
const RESERVED = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];
const TASK_ROOT = "/var/task";

/** The environment the function's code sees: the runtime's variables, then its own configuration's. */
export function functionEnvironment(fn: UploadedFunction, logStream: string): Record<string, string> {
  const reserved = Object.keys(fn.environment).filter((key) => RESERVED.includes(key));
  if (reserved.length > 0) {
    throw new Error(`${fn.name}: the environment sets reserved keys (${reserved.join(", ")}), which Lambda refuses`);
  }
  const major = /^nodejs(\d+)\.x$/.exec(fn.runtime)?.[1];
  if (!major) throw new Error(`${fn.name}: runtime ${fn.runtime} is not a Node.js runtime`);
  return {
    LANG: "en_US.UTF-8",
    PATH: "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    LD_LIBRARY_PATH: `/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:${TASK_ROOT}:${TASK_ROOT}/lib:/opt/lib`,
    NODE_PATH: `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:${TASK_ROOT}`,
    TZ: ":UTC",
    ...fn.environment,
    _HANDLER: fn.handler,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupOf(fn),
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    // The role's credentials: the simulated clients act as the role session whatever these are.
    AWS_ACCESS_KEY: "ASIASIMULATEDROLE",
    AWS_ACCESS_KEY_ID: "ASIASIMULATEDROLE",
    AWS_SECRET_ACCESS_KEY: "simulated",
    AWS_SESSION_TOKEN: "simulated",
    AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
    LAMBDA_TASK_ROOT: TASK_ROOT,
    LAMBDA_RUNTIME_DIR: "/var/runtime",
  };
}

const logGroupOf = (fn: UploadedFunction) => fn.logGroup ?? `/aws/lambda/${fn.name}`;

export type Handler = (event: unknown) => Promise<unknown>;

/** The invocation a log line or a context belongs to, across the awaits of concurrent invocations. */
const invocation = new AsyncLocalStorage<{ requestId: string }>();

/**
 * The function as Lambda runs it: the module is loaded on the first invocation (a cold start) and kept for the next
 * ones; a module that fails to load fails the invocation and is loaded again on the next, as Lambda retries an init.
 */
export function uploadedHandler(fn: UploadedFunction, runtime: UploadedRuntime): Handler {
  const logStream = `${new Date(runtime.clock.now()).toISOString().slice(0, 10).replace(/-/g, "/")}/[$LATEST]${runtime.ids.uuid().replace(/-/g, "")}`;
  let loaded: ((event: unknown, context: unknown) => unknown) | undefined;
  return async (event) => {
    loaded ??= loadHandler(fn, runtime, functionEnvironment(fn, logStream));
    const requestId = runtime.ids.uuid();
    const deadline = runtime.clock.now() + fn.timeoutSeconds * 1000;
    const context = {
      functionName: fn.name,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.account}:function:${fn.name}`,
      memoryLimitInMB: String(fn.memorySize ?? 128),
      awsRequestId: requestId,
      logGroupName: logGroupOf(fn),
      logStreamName: logStream,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - runtime.clock.now()),
    };
    const handler = loaded;
    return invocation.run({ requestId }, async () => {
      const result = handler(event, context);
      if (!(result instanceof Promise)) {
        throw new Error(`${fn.name}: the handler returned no promise (the simulator runs async handlers only)`);
      }
      return await result;
    });
  };
}

/** Compiles the handler's module with the Node.js module wrapper and returns its handler export. */
export function loadHandler(
  fn: UploadedFunction,
  runtime: UploadedRuntime,
  env: Record<string, string>,
): (event: unknown, context: unknown) => unknown {
  const dot = fn.handler.lastIndexOf(".");
  const [moduleName, exportName] = [fn.handler.slice(0, dot), fn.handler.slice(dot + 1)];
  const file = `${moduleName}.js`;
  const code = fn.files[file];
  if (dot <= 0 || code === undefined) {
    throw runtimeError("Runtime.ImportModuleError", `${fn.name}: the package has no ${file} for handler ${fn.handler}`);
  }
  const globals: Record<string, unknown> = moduleGlobals(fn, runtime, env);
  const names = Object.keys(globals);
  const filename = `${TASK_ROOT}/${file}`;
  let wrapper: Wrapper;
  try {
    wrapper = compiled(code, names, filename);
  } catch (err) {
    throw runtimeError("Runtime.UserCodeSyntaxError", `${fn.name}: ${err instanceof Error ? err.message : err}`);
  }
  const module = { exports: {} as Record<string, unknown> };
  const require = moduleRequire(fn, runtime, env);
  wrapper.call(module.exports, module.exports, require, module, filename, TASK_ROOT, ...names.map((n) => globals[n]));
  const handler = module.exports[exportName];
  if (typeof handler !== "function") {
    throw runtimeError("Runtime.HandlerNotFound", `${fn.name}: ${file} exports no function ${exportName}`);
  }
  return handler as (event: unknown, context: unknown) => unknown;
}

type Wrapper = (...args: unknown[]) => void;

/**
 * Module wrappers compiled so far, by file, parameters and code: every world loads the same packages, and the wrapper
 * holds no state of its own (the module's globals, `require` and `module` are its arguments), so one compiled
 * function serves every load. A syntax error is not kept: it is thrown again on the next load.
 */
const wrappers = new Map<string, Wrapper>();
const WRAPPERS_KEPT = 64;

function compiled(code: string, globals: readonly string[], filename: string): Wrapper {
  const key = `${filename}\0${globals.join(",")}\0${code}`;
  let wrapper = wrappers.get(key);
  if (!wrapper) {
    const params = ["exports", "require", "module", "__filename", "__dirname", ...globals];
    wrapper = compileFunction(code, params, { filename }) as Wrapper;
    if (wrappers.size >= WRAPPERS_KEPT) wrappers.delete(wrappers.keys().next().value as string);
    wrappers.set(key, wrapper);
  }
  return wrapper;
}

function runtimeError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** The `require` the runtime gives the module: Node.js built-ins, and the runtime's AWS SDK v3 clients. */
function moduleRequire(fn: UploadedFunction, runtime: UploadedRuntime, env: Record<string, string>) {
  const sdks = new Map<string, unknown>();
  return (id: string): unknown => {
    if (builtinModules.includes(id.replace(/^node:/, ""))) return require(id);
    const sdk = /^(@aws-sdk\/client-[a-z0-9-]+)(\/dist-cjs\/index\.js)?$/.exec(id);
    if (sdk) {
      if (!sdks.has(sdk[1])) sdks.set(sdk[1], simulatedSdk(sdk[1], runtime, { caller: fn.role, env }));
      return sdks.get(sdk[1]);
    }
    throw runtimeError(
      "Runtime.ImportModuleError",
      `${fn.name}: Cannot find module '${id}' (the Node.js runtime provides Node.js built-ins and the AWS SDK v3 clients only)`,
    );
  };
}

/** Globals the module sees instead of the process's: its own environment and console, and virtual time. */
function moduleGlobals(fn: UploadedFunction, runtime: UploadedRuntime, env: Record<string, string>) {
  const process = new Proxy(globalThis.process, {
    get(target, key) {
      if (key === "env") return env;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const line =
    (level: string) =>
    (...args: unknown[]) => {
      const requestId = invocation.getStore()?.requestId ?? "undefined";
      const time = new Date(runtime.clock.now()).toISOString();
      runtime.writeLog(logGroupOf(fn), `${time}\t${requestId}\t${level}\t${format(...args)}`);
    };
  const console = {
    ...globalThis.console,
    log: line("INFO"),
    info: line("INFO"),
    warn: line("WARN"),
    error: line("ERROR"),
    debug: line("DEBUG"),
    trace: line("TRACE"),
  };
  return { process, console, Date: virtualDate(runtime.clock), ...virtualTimers(fn, runtime.clock) };
}

/** `Date` whose present is the virtual clock's. */
function virtualDate(clock: VirtualClock): DateConstructor {
  class SimulatedDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string]));
    }

    static override now(): number {
      return clock.now();
    }
  }
  return SimulatedDate as DateConstructor;
}

/** setTimeout and clearTimeout on the virtual clock; interval timers would never let the world settle. */
function virtualTimers(fn: UploadedFunction, clock: VirtualClock) {
  const cancels = new WeakMap<object, () => void>();
  return {
    setTimeout(callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) {
      const timer = { ref: () => timer, unref: () => timer, hasRef: () => true };
      cancels.set(
        timer,
        clock.later(
          Math.max(0, Number(ms) || 0),
          () => callback(...args),
          (err) => {
            throw err;
          },
        ),
      );
      return timer;
    },
    clearTimeout(timer: object | undefined) {
      if (timer) cancels.get(timer)?.();
    },
    setInterval() {
      throw new Error(`${fn.name}: setInterval is not simulated on the virtual clock`);
    },
  };
}
