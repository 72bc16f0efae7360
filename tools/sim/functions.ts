/**
 * The AWS SDK v3 as simulated code gets it: each `@aws-sdk/client-*` package is the real one, except that its
 * `*Client` classes are subclasses whose `send` asks the simulated world, as the function's role session (or, for a
 * client built with temporary credentials from AssumeRole, as the session those credentials sign for). Answers carry
 * `$metadata`, errors are the package's own exception classes (as the SDK deserializes them), and throttling and
 * transient errors are retried as the client is configured (./sdkRetry.ts), on the virtual clock.
 */
import { type ApiInput, AwsError, type Caller } from "./aws";
import type { VirtualClock } from "./clock";
import { DEFAULT_MAX_ATTEMPTS, type RetryRecord, StandardRetries } from "./sdkRetry";

/** A deployed function's call to an AWS API in its own Region, on the virtual clock: tens of milliseconds. */
export const SDK_ROUND_TRIP_MS = 20;

export interface FunctionRuntime {
  readonly clock: VirtualClock;
  readonly ids: { uuid(): string };
  callAws(service: string, api: string, input: ApiInput, caller: Caller): Promise<unknown>;
  /** The role session that temporary credentials from AssumeRole sign for; fails once they are unknown or expired. */
  sessionFor(accessKeyId: string): Caller;
  /** How long a call takes on the virtual clock; none if not given (a client used outside a running world). */
  roundTripMs?: number;
}

/** Who a simulated client acts as when it was given no credentials of its own, and where. */
export interface ClientDefaults {
  caller: Caller;
  /** The environment the SDK reads defaults from (AWS_REGION, AWS_MAX_ATTEMPTS), as the function sees it. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The service name the world's fakes answer to, for an SDK client package (as Automation's executeAwsApi names it). */
export function serviceOfPackage(packageName: string): string {
  const m = /^@aws-sdk\/client-([a-z0-9-]+)$/.exec(packageName);
  if (!m) throw new Error(`${packageName} is not an AWS SDK v3 client package`);
  return m[1] === "cloudwatch-logs" ? "logs" : m[1];
}

// These clients stand in for the Lambda runtime's (Node.js 22 or later); the SDK's warning about this host's
// Node.js version says nothing about them.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

type SdkPackage = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the SDK's send is overloaded per command
type ClientClass = new (config?: Record<string, unknown>) => { send(...args: any[]): unknown };
type ExceptionClass = new (options: Record<string, unknown>) => Error;

interface Credentials {
  accessKeyId: string;
}

/** The client configuration the SDK documents for credentials: an object, or a provider returning one. */
async function credentialsOf(config: Record<string, unknown>): Promise<Credentials | undefined> {
  const given = config.credentials;
  if (given === undefined) return undefined;
  const value = typeof given === "function" ? await (given as () => Promise<unknown>)() : given;
  const id = (value as Partial<Credentials> | null)?.accessKeyId;
  if (typeof id !== "string") throw new Error("the client's credentials have no accessKeyId");
  return { accessKeyId: id };
}

/** `maxAttempts` as the SDK resolves it: the client's config, then AWS_MAX_ATTEMPTS, then 3. */
async function maxAttemptsOf(config: Record<string, unknown>, env: ClientDefaults["env"]): Promise<number> {
  const given = config.maxAttempts;
  const value = typeof given === "function" ? await (given as () => Promise<unknown>)() : given;
  if (value !== undefined) return Number(value);
  return env.AWS_MAX_ATTEMPTS !== undefined ? Number(env.AWS_MAX_ATTEMPTS) : DEFAULT_MAX_ATTEMPTS;
}

/**
 * The error the SDK would throw for an AWS error answer: the package's modelled exception of that name, or its
 * service exception with the error code as its name (the SDK's default for unmodelled codes). Anything that is not an
 * AWS error (a fault in the simulator) is thrown as it is.
 */
function sdkError(pkg: SdkPackage, err: unknown, record: RetryRecord, requestId: string): unknown {
  if (!(err instanceof AwsError)) return err;
  const base = Object.entries(pkg).find(
    ([key, value]) => key.endsWith("ServiceException") && typeof value === "function",
  )?.[1] as ExceptionClass | undefined;
  if (!base) throw new Error("the SDK package has no service exception class");
  const message = err.message.startsWith(`${err.code}: `) ? err.message.slice(err.code.length + 2) : err.message;
  const server = err.retryable && !/Throttl|TooManyRequests|LimitExceeded/.test(err.code);
  const $metadata = { httpStatusCode: server ? 500 : 400, requestId, ...record };
  const modelled = pkg[err.code];
  if (typeof modelled === "function" && modelled.prototype instanceof base) {
    return new (modelled as ExceptionClass)({ ...err.fields, message, Message: message, $metadata });
  }
  return new base({ ...err.fields, name: err.code, $fault: server ? "server" : "client", message, $metadata });
}

/**
 * The real package's exports as plain values, read once per package: the SDK exports them as getters, and reading
 * hundreds of getters for every client package of every function of every world was a tenth of a world's time.
 */
const realPackages = new Map<string, SdkPackage>();
function realPackage(packageName: string): SdkPackage {
  let pkg = realPackages.get(packageName);
  if (!pkg) {
    pkg = { ...(require(packageName) as SdkPackage) };
    realPackages.set(packageName, pkg);
  }
  return pkg;
}

/** The package `packageName` with its clients answered by the world. */
export function simulatedSdk(packageName: string, runtime: FunctionRuntime, defaults: ClientDefaults): SdkPackage {
  const service = serviceOfPackage(packageName);
  const real = realPackage(packageName);
  const pkg: SdkPackage = { ...real };
  for (const [key, value] of Object.entries(real)) {
    if (key.startsWith("__") || !key.endsWith("Client") || typeof value !== "function") continue;
    pkg[key] = simulatedClientClass(value as ClientClass, pkg, service, runtime, defaults);
    const aggregated = key.slice(0, -"Client".length);
    if (typeof real[aggregated] === "function") {
      pkg[aggregated] = class {
        constructor() {
          throw new Error(`the simulator answers ${packageName}'s ${key}, not its aggregated client ${aggregated}`);
        }
      };
    }
  }
  return pkg;
}

function simulatedClientClass(
  Real: ClientClass,
  pkg: SdkPackage,
  service: string,
  runtime: FunctionRuntime,
  defaults: ClientDefaults,
): ClientClass {
  return class extends Real {
    readonly #config: Record<string, unknown>;
    #retries?: Promise<StandardRetries>;

    constructor(config: Record<string, unknown> = {}) {
      const region = config.region ?? defaults.env.AWS_REGION ?? defaults.caller.region;
      // The real client is built with a region and credentials so it never looks for them outside the function.
      super({ ...config, region, credentials: config.credentials ?? { accessKeyId: "ROLE", secretAccessKey: "ROLE" } });
      this.#config = { ...config, region };
    }

    override async send(command: { input: ApiInput; constructor: { name: string } }, ...rest: unknown[]) {
      if (rest.some((arg) => typeof arg === "function")) {
        throw new Error("the simulator answers promise sends only, not callbacks");
      }
      const api = command.constructor.name.replace(/Command$/, "");
      this.#retries ??= maxAttemptsOf(this.#config, defaults.env).then((n) => new StandardRetries(runtime.clock, n));
      const retries = await this.#retries;
      const requestId = runtime.ids.uuid();
      return retries.run(async (record) => {
        try {
          const caller = await this.#caller();
          // The answer (or the error) comes back a round trip later: calls made one after another take that much
          // longer, calls made together do not (what `npm run bench` counts as sequential calls).
          const answer = (await runtime
            .callAws(service, api, command.input, caller)
            .finally(() => (runtime.roundTripMs ? runtime.clock.sleep(runtime.roundTripMs) : undefined))) as
            | object
            | undefined;
          return { ...answer, $metadata: { httpStatusCode: 200, requestId, ...record } };
        } catch (err) {
          throw sdkError(pkg, err, { ...record }, requestId);
        }
      });
    }

    async #caller(): Promise<Caller> {
      const region = String(this.#config.region);
      const credentials = await credentialsOf(this.#config);
      const caller = credentials ? runtime.sessionFor(credentials.accessKeyId) : defaults.caller;
      return { ...caller, region };
    }
  };
}

/** A client of the real SDK class `Client` (from `packageName`) whose commands the world answers, as `caller`. */
export function simulatedClient<C>(
  Client: new (config: { region: string }) => C,
  service: string,
  runtime: FunctionRuntime,
  caller: Caller,
): C {
  const packageName = `@aws-sdk/client-${service === "logs" ? "cloudwatch-logs" : service}`;
  const sdk = simulatedSdk(packageName, runtime, { caller, env: { AWS_REGION: caller.region } });
  const Simulated = sdk[Client.name] as (new (config: { region: string }) => C) | undefined;
  if (!Simulated) throw new Error(`${packageName} has no client ${Client.name}`);
  return new Simulated({ region: caller.region });
}
