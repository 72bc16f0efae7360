/**
 * The project's Lambda handlers as the simulator runs them: the real code from functions/, given the environment the
 * plan sets on the function and real AWS SDK v3 clients whose `send` goes to the simulated world as the function's
 * role, so every call is recorded, checked and exposed to faults like any other.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import { sendCloudTrailSummary, summarySettings } from "../../functions/cloudTrailSummary";
import { permissionSetSyncSettings, syncPermissionSets } from "../../functions/permissionSetSync";
import { checkAccessRequest, requestCheckSettings } from "../../functions/requestCheck";
import { type ApiInput, AwsError, type Caller } from "./aws";
import type { VirtualClock } from "./clock";

type Handler = (event: unknown) => Promise<unknown>;

export interface FunctionRuntime {
  readonly clock: VirtualClock;
  callAws(service: string, api: string, input: ApiInput, caller: Caller): Promise<unknown>;
  /** The role session that temporary credentials from AssumeRole sign for; fails once they are unknown or expired. */
  sessionFor(accessKeyId: string): Caller;
}

interface SdkClient {
  send: unknown;
}

// These clients stand in for the Lambda runtime's (Node.js 22 or later); the SDK's warning about this host's
// Node.js version says nothing about them.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** A real SDK client of class `Client` whose commands are answered by the world. */
export function simulatedClient<C extends SdkClient>(
  Client: new (config: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } }) => C,
  service: string,
  runtime: FunctionRuntime,
  caller: Caller,
): C {
  const client = new Client({
    region: caller.region,
    credentials: { accessKeyId: "SIMULATED", secretAccessKey: "SIMULATED" },
  });
  client.send = (command: { input: ApiInput; constructor: { name: string } }) =>
    withStandardRetry(runtime.clock, () =>
      runtime.callAws(service, command.constructor.name.replace(/Command$/, ""), command.input, caller),
    );
  return client;
}

/**
 * The SDK's standard retry mode, which a replaced `send` bypasses: at most 3 attempts, a retryable error (throttling,
 * transient) retried after a backoff of at most 500 ms x 2^attempt for throttling, 100 ms x 2^attempt otherwise, and
 * never more than 20 s (@smithy/core retry constants DEFAULT_MAX_ATTEMPTS, THROTTLING_RETRY_DELAY_BASE,
 * DEFAULT_RETRY_DELAY_BASE, MAXIMUM_RETRY_DELAY; "Retry behavior" in the AWS SDKs and Tools reference). The SDK
 * draws the delay at random below that bound; the simulator waits the bound, deterministically.
 */
async function withStandardRetry<T>(clock: VirtualClock, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof AwsError) || !err.retryable || attempt >= 3) throw err;
      const base = err.code === "ThrottlingException" ? 500 : 100;
      await clock.sleep(Math.min(20_000, base * 2 ** attempt));
    }
  }
}

/** The handler behind each planned function, by the function's logical resource name. */
const HANDLERS: Record<string, (env: Record<string, string>, runtime: FunctionRuntime, role: Caller) => Handler> = {
  "permission-set-sync-function": (env, runtime, role) => {
    const clients = {
      ssoAdmin: simulatedClient(SSOAdminClient, "sso-admin", runtime, role),
      ssm: simulatedClient(SSMClient, "ssm", runtime, role),
    };
    const cache = new Map<string, string>();
    return async () => syncPermissionSets(clients, permissionSetSyncSettings(env), cache);
  },
  "cloudtrail-summary-function": (env, runtime, role) => {
    const clients = {
      logs: simulatedClient(CloudWatchLogsClient, "logs", runtime, role),
      sns: simulatedClient(SNSClient, "sns", runtime, role),
      organizations: simulatedClient(OrganizationsClient, "organizations", runtime, role),
    };
    const deps = { now: () => runtime.clock.now(), sleep: (ms: number) => runtime.clock.sleep(ms) };
    return async (event) => sendCloudTrailSummary(event, clients, summarySettings(env), deps);
  },
  "request-check-function": (env, runtime, role) => {
    const clients = {
      sts: simulatedClient(STSClient, "sts", runtime, role),
      identityStore: simulatedClient(IdentitystoreClient, "identitystore", runtime, role),
      organizations: simulatedClient(OrganizationsClient, "organizations", runtime, role),
      ssoAdmin: simulatedClient(SSOAdminClient, "sso-admin", runtime, role),
      ssm: simulatedClient(SSMClient, "ssm", runtime, role),
      // The assumed role's session, as the credentials AssumeRole returned identify it.
      requesterSsm: (credentials: { accessKeyId: string }) =>
        simulatedClient(SSMClient, "ssm", runtime, runtime.sessionFor(credentials.accessKeyId)),
      requesterIam: (credentials: { accessKeyId: string }) =>
        simulatedClient(IAMClient, "iam", runtime, runtime.sessionFor(credentials.accessKeyId)),
    };
    return async (event) => checkAccessRequest(event, clients, requestCheckSettings(env));
  },
};

export function handlerFor(
  logicalName: string,
  env: Record<string, string>,
  runtime: FunctionRuntime,
  role: Caller,
): Handler {
  const make = HANDLERS[logicalName];
  if (!make) throw new Error(`the simulator has no handler for the function ${logicalName}`);
  return make(env, runtime, role);
}
