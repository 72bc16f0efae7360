/**
 * Systems Manager Parameter Store: the parameter APIs of `ssm`, per account and region, with versions. The world routes
 * only the APIs in PARAMETER_STORE_APIS here; the rest of `ssm` (Automation) is another fake.
 */
import { type ApiInput, AwsError, type Caller, errors, type ServiceFake, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import { type PagingRules, page } from "./pagination";

export const PARAMETER_STORE_APIS: ReadonlySet<string> = new Set([
  "GetParameter",
  "GetParameters",
  "GetParametersByPath",
  "PutParameter",
  "DeleteParameter",
]);

export type ParameterType = "String" | "StringList" | "SecureString";
const TYPES: readonly string[] = ["String", "StringList", "SecureString"];
/** Standard and advanced tier value limits (PutParameter, Value). */
const VALUE_LIMIT: Record<string, number> = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 };
const MAX_LEVELS = 15;
const MAX_NAME_WITH_ARN = 1011;
// GetParametersByPath: MaxResults 1 to 10; a token it did not issue is InvalidNextToken.
const PAGING: PagingRules = {
  maxResults: 10,
  invalidToken: () => new AwsError("InvalidNextToken", "The specified token isn't valid."),
};

interface ParameterVersion {
  version: number;
  value: string;
  modified: number;
}

interface Parameter {
  name: string;
  type: ParameterType;
  tier: string;
  description?: string;
  allowedPattern?: string;
  versions: ParameterVersion[];
}

interface Scope {
  account: string;
  region: string;
}

export class ParameterStoreFake implements ServiceFake {
  readonly service = "ssm";
  private readonly scopes = new Map<string, Map<string, Parameter>>();

  constructor(private readonly clock: VirtualClock) {}

  /** Writes a parameter as PutParameter with Overwrite would; returns its new version. */
  setParameter(account: string, region: string, name: string, value: string, type: ParameterType = "String"): number {
    return this.put({ account, region }, { Name: name, Value: value, Type: type, Overwrite: true }).Version;
  }

  /** The current value, or undefined when the parameter does not exist. */
  valueOf(account: string, region: string, name: string): string | undefined {
    return this.parametersIn({ account, region }).get(name)?.versions.at(-1)?.value;
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    switch (api) {
      case "GetParameter":
        return { Parameter: this.get(caller, requireText(input, "Name"), input.WithDecryption === true) };
      case "GetParameters":
        return this.getParameters(input, caller);
      case "GetParametersByPath":
        return this.getParametersByPath(input, caller);
      case "PutParameter":
        return this.put(caller, input);
      case "DeleteParameter":
        return this.delete(input, caller);
      default:
        return unsupported(this.service, api);
    }
  }

  private getParameters(input: ApiInput, caller: Caller) {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > 10) {
      throw errors.validation("Names", "must list 1 to 10 parameter names");
    }
    const found: unknown[] = [];
    const invalid: string[] = [];
    for (const name of names) {
      if (typeof name !== "string") throw errors.validation("Names", "must be strings");
      try {
        found.push(this.get(caller, name, input.WithDecryption === true));
      } catch (err) {
        if (!(err instanceof AwsError && err.code.startsWith("ParameterVersion")) && !isNotFound(err)) throw err;
        invalid.push(name);
      }
    }
    return { Parameters: found, InvalidParameters: invalid };
  }

  /** Non-recursive: only names one level below the path (Systems Manager User Guide, "Working with parameter hierarchies"). */
  private getParametersByPath(input: ApiInput, caller: Caller) {
    if (input.ParameterFilters !== undefined) throw new Error("the simulator's ssm fake does not filter parameters");
    const path = requireText(input, "Path");
    if (!/^(\/[a-zA-Z0-9_.-]+)*\/?$/.test(path) || path.split("/").filter(Boolean).length > MAX_LEVELS) {
      throw errors.validation("Path", "must be a hierarchy of up to 15 levels that starts with /");
    }
    const prefix = path.endsWith("/") ? path : `${path}/`;
    const recursive = input.Recursive === true;
    const matching = [...this.parametersIn(caller).values()]
      .filter((p) => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes("/")))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const { items, next } = page(matching, input, PAGING);
    const parameters = items.map((p) => this.describe(caller, p, p.versions.at(-1)!, input.WithDecryption === true));
    return { Parameters: parameters, ...(next && { NextToken: next }) };
  }

  private put(scope: Scope, input: ApiInput): { Version: number; Tier: string } {
    const name = checkedName(scope, requireText(input, "Name").trim());
    const value = requireText(input, "Value");
    const existing = this.parametersIn(scope).get(name);
    const type = input.Type ?? existing?.type;
    if (type === undefined) throw errors.validation("Type", "is required when you create a parameter");
    if (typeof type !== "string" || !TYPES.includes(type)) throw errors.validation("Type", `must be one of ${TYPES}`);
    if (input.DataType !== undefined && input.DataType !== "text") {
      throw new Error(`the simulator's ssm fake does not validate DataType ${String(input.DataType)}`);
    }
    if (existing && input.Overwrite !== true) {
      throw new AwsError("ParameterAlreadyExists", `The parameter ${name} already exists.`);
    }
    if (existing && existing.type !== type) {
      throw new AwsError("HierarchyTypeMismatchException", `${name} is a ${existing.type}, not a ${type}`);
    }
    if (input.Tags !== undefined && input.Overwrite === true) {
      throw errors.validation("Tags", "can't be used with Overwrite");
    }
    const tier = typeof input.Tier === "string" ? input.Tier : (existing?.tier ?? "Standard");
    const limit = VALUE_LIMIT[tier];
    if (limit === undefined) throw errors.validation("Tier", `must be one of ${Object.keys(VALUE_LIMIT)}`);
    if (value.length < 1 || value.length > limit) throw errors.validation("Value", `must be 1 to ${limit} characters`);
    if (/\{\{.*\}\}/.test(value)) throw errors.validation("Value", "can't nest another parameter in {{ }}");
    const allowedPattern = typeof input.AllowedPattern === "string" ? input.AllowedPattern : existing?.allowedPattern;
    if (allowedPattern !== undefined && !compile(allowedPattern).test(value)) {
      throw new AwsError("ParameterPatternMismatchException", `The value doesn't match the pattern ${allowedPattern}`);
    }

    const parameter: Parameter = existing ?? { name, type: type as ParameterType, tier, versions: [] };
    parameter.tier = tier;
    parameter.allowedPattern = allowedPattern;
    if (typeof input.Description === "string") parameter.description = input.Description;
    const version = (parameter.versions.at(-1)?.version ?? 0) + 1;
    parameter.versions.push({ version, value, modified: this.clock.now() });
    this.parametersIn(scope).set(name, parameter);
    return { Version: version, Tier: tier };
  }

  private delete(input: ApiInput, caller: Caller) {
    const { scope, name } = resolve(caller, requireText(input, "Name"));
    if (!this.parametersIn(scope).delete(name)) throw parameterNotFound(name);
    return {};
  }

  /** A name, `name:version` or a parameter ARN (GetParameter, Name). */
  private get(caller: Caller, reference: string, decrypt: boolean) {
    const { scope, name, selector } = resolve(caller, reference);
    const parameter = this.parametersIn(scope).get(name);
    if (!parameter) throw parameterNotFound(name);
    if (selector === undefined) return this.describe(scope, parameter, parameter.versions.at(-1)!, decrypt);
    if (!/^\d+$/.test(selector)) throw new Error("the simulator's ssm fake does not support parameter labels");
    const version = parameter.versions.find((v) => v.version === Number(selector));
    if (!version) throw new AwsError("ParameterVersionNotFound", `${name} has no version ${selector}`);
    return { ...this.describe(scope, parameter, version, decrypt), Selector: `:${selector}` };
  }

  private describe(scope: Scope, p: Parameter, version: ParameterVersion, decrypt: boolean) {
    return {
      Name: p.name,
      Type: p.type,
      Value: p.type === "SecureString" && !decrypt ? ciphertext(version.value) : version.value,
      Version: version.version,
      LastModifiedDate: new Date(version.modified),
      ARN: arnOf(scope, p.name),
      DataType: "text",
    };
  }

  private parametersIn(scope: Scope): Map<string, Parameter> {
    const key = `${scope.account}/${scope.region}`;
    let parameters = this.scopes.get(key);
    if (!parameters) {
      parameters = new Map();
      this.scopes.set(key, parameters);
    }
    return parameters;
  }
}

function requireText(input: ApiInput, field: string): string {
  const value = input[field];
  if (typeof value !== "string") throw errors.validation(field, "is required and must be a string");
  return value;
}

/** The naming constraints of PutParameter's Name (SSM API reference). */
function checkedName(scope: Scope, name: string): string {
  if (!/^[a-zA-Z0-9_./-]+$/.test(name)) throw errors.validation("Name", "may contain only a-zA-Z0-9_.-/");
  if (name.includes("/") && (!name.startsWith("/") || name.endsWith("/") || name.includes("//"))) {
    throw errors.validation("Name", "a hierarchical name must start with / and name each level");
  }
  if (/^\/?(aws|ssm)/i.test(name)) throw errors.validation("Name", 'can\'t be prefixed with "aws" or "ssm"');
  if (name.split("/").filter(Boolean).length > MAX_LEVELS) {
    throw new AwsError("HierarchyLevelLimitExceededException", `${name} is more than ${MAX_LEVELS} levels deep`);
  }
  if (arnOf(scope, name).length > MAX_NAME_WITH_ARN) throw errors.validation("Name", "is too long");
  return name;
}

/** Parameter ARNs drop the name's leading slash: `…:parameter/a/b` for `/a/b`, `…:parameter/x` for `x`. */
function arnOf(scope: Scope, name: string): string {
  return `arn:aws:ssm:${scope.region}:${scope.account}:parameter/${name.replace(/^\//, "")}`;
}

function resolve(caller: Caller, reference: string): { scope: Scope; name: string; selector?: string } {
  let scope: Scope = caller;
  let rest = reference;
  const arn = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter\/(.+)$/.exec(reference);
  if (arn) {
    scope = { region: arn[1], account: arn[2] };
    if (scope.account !== caller.account || scope.region !== caller.region) {
      throw errors.accessDenied(`${caller.roleArn} cannot read ${reference}: parameter sharing is not simulated`);
    }
    rest = arn[3].includes("/") ? `/${arn[3]}` : arn[3];
  }
  const colon = rest.lastIndexOf(":");
  return colon < 0 ? { scope, name: rest } : { scope, name: rest.slice(0, colon), selector: rest.slice(colon + 1) };
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw new AwsError("InvalidAllowedPatternException", `${pattern} is not a valid regular expression`);
  }
}

function ciphertext(value: string): string {
  return Buffer.from(`simulated-kms-ciphertext:${value}`).toString("base64");
}

function parameterNotFound(name: string): AwsError {
  return errors.notFound("ParameterNotFound", `Parameter ${name} not found.`);
}

function isNotFound(err: unknown): boolean {
  return err instanceof AwsError && err.code === "ParameterNotFound";
}
