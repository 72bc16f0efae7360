/**
 * AWS STS's AssumeRole and GetCallerIdentity (`sts`), after the STS API reference. AssumeRole: the role must exist
 * and its trust policy must allow the caller; the temporary credentials it returns stand for a session of the role
 * until they expire on the virtual clock, so the world can tell which session a later request signed with them
 * belongs to (`sessionFor`). GetCallerIdentity names the calling session, and needs no permission.
 */
import { type ApiInput, AwsError, type Caller, type ServiceFake, sessionArn, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";
import { compileResourcePolicy, evaluate } from "./resourcePolicy";

interface Session {
  caller: Caller;
  expiresAt: number;
}

const INPUTS = new Set(["RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId"]);
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const DEFAULT_DURATION_SECONDS = 3600;
/**
 * Every simulated caller is itself a role session, so every AssumeRole is role chaining, which the API reference
 * (DurationSeconds) limits to one hour whatever the role's maximum session duration.
 */
const CHAINED_MAX_SECONDS = 3600;
/**
 * What a trust policy may test: the request's external id and session name, and the keys a service acting for a
 * resource adds (aws:SourceAccount, aws:SourceArn), which a role session's own request never carries.
 */
const CONDITION_KEYS = ["sts:ExternalId", "sts:RoleSessionName", "aws:SourceAccount", "aws:SourceArn"];

// STS is a query API: its validation errors are ValidationError, not ValidationException.
const invalid = (message: string) => new AwsError("ValidationError", message);

export class StsFake implements ServiceFake {
  readonly service = "sts";
  /** Role ARN → trust policy (JSON), as IAM holds them. */
  private readonly roles = new Map<string, string>();
  /** Access key id → the session its credentials belong to. */
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: Ids,
    /** The role's unique id (`AROA...`), as IAM assigned it. */
    private readonly uniqueIdOf: (roleArn: string) => string,
  ) {}

  createRole(roleArn: string, trustPolicy: string): void {
    if (this.roles.has(roleArn)) throw new Error(`role ${roleArn} exists`);
    this.roles.set(roleArn, trustPolicy);
  }

  /** The role's trust policy (JSON), if the role exists: what a service assuming it checks it against. */
  trustPolicyOf(roleArn: string): string | undefined {
    return this.roles.get(roleArn);
  }

  /** Whether the role was created (from the plan, or by a scenario). */
  hasRole(roleArn: string): boolean {
    return this.roles.has(roleArn);
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (api === "AssumeRole") return this.assumeRole(input, caller);
    if (api === "GetCallerIdentity") return this.getCallerIdentity(input, caller);
    return unsupported(this.service, api);
  }

  /** The session that credentials with `accessKeyId` sign for, while they are valid. */
  sessionFor(accessKeyId: string): Caller {
    const session = this.sessions.get(accessKeyId);
    if (!session) throw new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.");
    if (this.clock.now() >= session.expiresAt) {
      throw new AwsError("ExpiredTokenException", "The security token included in the request is expired");
    }
    return { ...session.caller };
  }

  /** Who the caller is: for a role session, the role's unique id and the session name, the account, the session ARN. */
  private getCallerIdentity(input: ApiInput, caller: Caller): unknown {
    // The API takes no parameters.
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined) unsupported(this.service, `GetCallerIdentity ${key}`);
    }
    return {
      UserId: `${this.uniqueIdOf(caller.roleArn)}:${caller.sessionName}`,
      Account: caller.account,
      Arn: sessionArn(caller),
    };
  }

  private assumeRole(input: ApiInput, caller: Caller): unknown {
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined && !INPUTS.has(key)) unsupported(this.service, `AssumeRole ${key}`);
    }
    const { RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: duration, ExternalId: externalId } = input;
    if (typeof roleArn !== "string" || roleArn.length < 20 || roleArn.length > 2048) {
      throw invalid("RoleArn must be a string of 20 to 2048 characters");
    }
    if (typeof sessionName !== "string" || !SESSION_NAME.test(sessionName)) {
      throw invalid(`RoleSessionName must satisfy the pattern ${SESSION_NAME.source}`);
    }
    const seconds = duration ?? DEFAULT_DURATION_SECONDS;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
      throw invalid("DurationSeconds must be an integer from 900 to 43200");
    }
    if (externalId !== undefined && (typeof externalId !== "string" || !/^[\w+=,.@:/-]{2,1224}$/.test(externalId))) {
      throw invalid("ExternalId must satisfy the pattern [\\w+=,.@:/-]{2,1224}");
    }

    // An unknown role and a trust policy that does not allow the caller are indistinguishable to the caller.
    const trust = this.roles.get(roleArn);
    const policy =
      trust === undefined
        ? undefined
        : compileResourcePolicy(withRoleAsResource(trust, roleArn), "sts", {
            conditionKeys: CONDITION_KEYS,
          });
    const decision = evaluate(policy, {
      principal: caller,
      action: "sts:AssumeRole",
      resource: roleArn,
      keys: { "sts:ExternalId": externalId as string | undefined, "sts:RoleSessionName": sessionName },
    });
    if (decision !== "Allow") {
      throw new AwsError(
        "AccessDenied",
        `User: ${sessionArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    if (seconds > CHAINED_MAX_SECONDS) {
      throw invalid(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      );
    }

    const session: Caller = { account: roleArn.split(":")[4], region: caller.region, roleArn, sessionName };
    const expiresAt = this.clock.now() + seconds * 1000;
    const accessKeyId = `ASIA${this.ids.hex(16).toUpperCase()}`;
    this.sessions.set(accessKeyId, { caller: session, expiresAt });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: Buffer.from(this.ids.hex(60), "hex").toString("base64"),
        SessionToken: Buffer.from(this.ids.hex(96), "hex").toString("base64"),
        Expiration: new Date(expiresAt),
      },
      AssumedRoleUser: { Arn: sessionArn(session), AssumedRoleId: `${this.uniqueIdOf(roleArn)}:${sessionName}` },
    };
  }
}

/**
 * A trust policy read as a resource policy: IAM leaves its resource, the role, implicit (and refuses a Resource
 * element in it), so each statement gets the role as its Resource.
 */
function withRoleAsResource(trustPolicy: string, roleArn: string): string {
  let document: unknown;
  try {
    document = JSON.parse(trustPolicy);
  } catch {
    return trustPolicy; // the compiler reports it
  }
  if (typeof document !== "object" || document === null || !("Statement" in document)) return trustPolicy;
  const statements = [document.Statement].flat().map((s: unknown) => {
    if (typeof s !== "object" || s === null) return s;
    if ("Resource" in s) throw new Error(`the trust policy of ${roleArn} has a Resource element, which IAM refuses`);
    return { ...s, Resource: roleArn };
  });
  return JSON.stringify({ ...document, Statement: statements });
}
