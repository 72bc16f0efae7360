import assert from "node:assert/strict";
import {
  DeleteParameterCommand,
  GetParametersByPathCommand,
  type GetParametersByPathCommandInput,
  type GetParametersByPathCommandOutput,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import {
  DescribePermissionSetCommand,
  ListPermissionSetsCommand,
  type ListPermissionSetsCommandOutput,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { mockClient } from "aws-sdk-client-mock";
import {
  PERMISSION_SET_SYNC_ENV,
  type PermissionSetSyncSettings,
  permissionSetSyncSettings,
  syncPermissionSets,
} from "../../functions/permissionSetSync";
import { patterns } from "../../shared/patterns";

const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
const PATH = "/jit/permission-sets/";
const arnOf = (n: number) =>
  `arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-${n.toString(16).padStart(16, "0")}`;

const ssoAdminMock = mockClient(SSOAdminClient);
const ssmMock = mockClient(SSMClient);
const clients = { ssoAdmin: new SSOAdminClient({ region: "eu-west-1" }), ssm: new SSMClient({ region: "eu-west-1" }) };

function settings(permissionSetNames: string[]): PermissionSetSyncSettings {
  return { instanceArn: INSTANCE, parameterPath: PATH, permissionSetNames };
}

/** Identity Center holds these permission sets, listed in pages of `pageSize`. */
function givenPermissionSets(names: string[], pageSize = 100) {
  const arns = names.map((_, i) => arnOf(i + 1));
  const pages: Partial<ListPermissionSetsCommandOutput>[] = [];
  for (let i = 0; i < Math.max(arns.length, 1); i += pageSize) {
    const page: Partial<ListPermissionSetsCommandOutput> = { PermissionSets: arns.slice(i, i + pageSize) };
    if (i + pageSize < arns.length) page.NextToken = `page-${i + pageSize}`;
    pages.push(page);
  }
  ssoAdminMock.on(ListPermissionSetsCommand).callsFake(async (input) => {
    listTokens.push(input.NextToken);
    return pages[input.NextToken === undefined ? 0 : pages.findIndex((p) => p.NextToken === input.NextToken) + 1];
  });
  const nameByArn = new Map(arns.map((arn, i) => [arn, names[i]]));
  ssoAdminMock.on(DescribePermissionSetCommand).callsFake(async (input) => ({
    PermissionSet: { Name: nameByArn.get(input.PermissionSetArn), PermissionSetArn: input.PermissionSetArn },
  }));
  return new Map(names.map((name, i) => [name, arns[i]]));
}

/** Parameter Store already holds these parameters under PATH, in pages of `pageSize`. */
function givenParameters(values: Record<string, string>, pageSize = 10) {
  const entries = Object.entries(values).map(([name, value]) => ({
    Name: PATH + name,
    Value: value,
    Type: "String" as const,
  }));
  const pages: Partial<GetParametersByPathCommandOutput>[] = [];
  for (let i = 0; i < Math.max(entries.length, 1); i += pageSize) {
    const page: Partial<GetParametersByPathCommandOutput> = { Parameters: entries.slice(i, i + pageSize) };
    if (i + pageSize < entries.length) page.NextToken = `params-${i + pageSize}`;
    pages.push(page);
  }
  ssmMock.on(GetParametersByPathCommand).callsFake(async (input) => {
    parameterCalls.push({ ...input });
    return pages[input.NextToken === undefined ? 0 : pages.findIndex((p) => p.NextToken === input.NextToken) + 1];
  });
}

// The SDK's paginators reuse one input object across pages, so the tokens are recorded as each call is made.
let listTokens: (string | undefined)[];
let parameterCalls: GetParametersByPathCommandInput[];

const putNames = () => ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name);
const deletedNames = () => ssmMock.commandCalls(DeleteParameterCommand).map((c) => c.args[0].input.Name);

let warnings: string[];
const originalWarn = console.warn;

/** Registered inside each describe: hooks at the top level would also run around the other files' tests. */
function useMocks() {
  beforeEach(() => {
    ssoAdminMock.reset();
    ssmMock.reset();
    ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
    ssmMock.on(DeleteParameterCommand).resolves({});
    warnings = [];
    listTokens = [];
    parameterCalls = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  });

  afterEach(() => {
    console.warn = originalWarn;
  });
}

describe("permissionSetSyncSettings", () => {
  useMocks();

  const valid = {
    [PERMISSION_SET_SYNC_ENV.instanceArn]: INSTANCE,
    [PERMISSION_SET_SYNC_ENV.parameterPath]: PATH,
    [PERMISSION_SET_SYNC_ENV.permissionSetNames]: JSON.stringify(["AWSAdministratorAccess", "AWSReadOnlyAccess"]),
  };

  it("reads the instance ARN, the parameter path and the JSON list of names", () => {
    assert.deepEqual(permissionSetSyncSettings(valid), {
      instanceArn: INSTANCE,
      parameterPath: PATH,
      permissionSetNames: ["AWSAdministratorAccess", "AWSReadOnlyAccess"],
    });
  });

  it("rejects a missing instance ARN, naming the variable and the rule", () => {
    assert.throws(
      () => permissionSetSyncSettings({ ...valid, INSTANCE_ARN: undefined }),
      (err: Error) =>
        err.message.includes("INSTANCE_ARN") && err.message.includes(patterns.identityCenterInstanceArn.rule),
    );
  });

  it("rejects a parameter path that does not end with a slash", () => {
    assert.throws(
      () => permissionSetSyncSettings({ ...valid, PARAMETER_PATH: "/jit/permission-sets" }),
      (err: Error) => err.message.includes("PARAMETER_PATH") && err.message.includes(patterns.parameterPath.rule),
    );
  });

  it("rejects a name list that is not a JSON array", () => {
    for (const bad of ["AWSAdministratorAccess", '{"a":1}', "[unquoted]"]) {
      assert.throws(() => permissionSetSyncSettings({ ...valid, PERMISSION_SET_NAMES: bad }), /PERMISSION_SET_NAMES/);
    }
  });

  it("rejects a listed name that breaks the permission set name rule, naming its position", () => {
    assert.throws(
      () => permissionSetSyncSettings({ ...valid, PERMISSION_SET_NAMES: JSON.stringify(["Good", "bad'name"]) }),
      (err: Error) =>
        err.message.includes("PERMISSION_SET_NAMES[1]") && err.message.includes(patterns.permissionSetName.rule),
    );
    assert.throws(
      () => permissionSetSyncSettings({ ...valid, PERMISSION_SET_NAMES: "[42]" }),
      /PERMISSION_SET_NAMES\[0\]/,
    );
  });
});

describe("syncPermissionSets", () => {
  useMocks();

  it("lists permission sets across every page, passing each page's token on", async () => {
    const names = Array.from({ length: 7 }, (_, i) => `Set${i}`);
    const arns = givenPermissionSets(names, 3);
    givenParameters({});

    const result = await syncPermissionSets(clients, settings(["Set0", "Set6"]));

    assert.deepEqual(listTokens, [undefined, "page-3", "page-6"]);
    assert.equal(ssoAdminMock.commandCalls(DescribePermissionSetCommand).length, 7);
    assert.deepEqual(result.written, ["Set0", "Set6"]);
    assert.equal(ssmMock.commandCalls(PutParameterCommand)[1].args[0].input.Value, arns.get("Set6"));
  });

  it("reads the existing parameters directly under the path across every page", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `Set${String(i).padStart(2, "0")}`);
    const arns = givenPermissionSets(names);
    givenParameters(Object.fromEntries(names.map((n) => [n, arns.get(n)!])), 5);

    const result = await syncPermissionSets(clients, settings(names));

    assert.deepEqual(
      parameterCalls.map((input) => input.NextToken),
      [undefined, "params-5", "params-10"],
    );
    assert.ok(parameterCalls.every((input) => input.Path === PATH && input.Recursive === false));
    assert.deepEqual(result.unchanged, names);
    assert.equal(ssmMock.commandCalls(PutParameterCommand).length, 0);
    assert.equal(ssmMock.commandCalls(DeleteParameterCommand).length, 0);
  });

  it("writes a parameter only for configured permission sets, with the ARN as a pattern-checked String", async () => {
    const arns = givenPermissionSets(["AWSAdministratorAccess", "AWSReadOnlyAccess", "Unrelated"]);
    givenParameters({});

    const result = await syncPermissionSets(clients, settings(["AWSReadOnlyAccess", "AWSAdministratorAccess"]));

    assert.deepEqual(result, {
      written: ["AWSAdministratorAccess", "AWSReadOnlyAccess"],
      unchanged: [],
      deleted: [],
      missing: [],
    });
    assert.deepEqual(putNames().sort(), [`${PATH}AWSAdministratorAccess`, `${PATH}AWSReadOnlyAccess`]);
    const input = ssmMock.commandCalls(PutParameterCommand, { Name: `${PATH}AWSReadOnlyAccess` })[0].args[0].input;
    assert.equal(input.Value, arns.get("AWSReadOnlyAccess"));
    assert.equal(input.Type, "String");
    assert.equal(input.Overwrite, true);
    assert.equal(input.AllowedPattern, patterns.permissionSetArn.source);
    assert.ok(input.Description?.includes("AWSReadOnlyAccess"));
    assert.ok(patterns.permissionSetArn.test(input.Value!), "the value must satisfy its own AllowedPattern");
  });

  it("does not rewrite a parameter that already holds the ARN, and rewrites one that holds another", async () => {
    const arns = givenPermissionSets(["Same", "Recreated"]);
    givenParameters({ Same: arns.get("Same")!, Recreated: arnOf(99) });

    const result = await syncPermissionSets(clients, settings(["Same", "Recreated"]));

    assert.deepEqual(result.unchanged, ["Same"]);
    assert.deepEqual(result.written, ["Recreated"]);
    assert.deepEqual(putNames(), [`${PATH}Recreated`]);
  });

  it("deletes the parameters of deleted permission sets and of sets no longer configured", async () => {
    const arns = givenPermissionSets(["Kept", "Unconfigured"]);
    givenParameters({ Kept: arns.get("Kept")!, Unconfigured: arns.get("Unconfigured")!, Deleted: arnOf(50) });

    const result = await syncPermissionSets(clients, settings(["Kept"]));

    assert.deepEqual(result.deleted, ["Deleted", "Unconfigured"]);
    assert.deepEqual(deletedNames().sort(), [`${PATH}Deleted`, `${PATH}Unconfigured`]);
    assert.deepEqual(result.unchanged, ["Kept"]);
  });

  it("reports configured sets that do not exist, warns, and deletes their stale parameters, without throwing", async () => {
    givenPermissionSets(["Present"]);
    givenParameters({ Gone: arnOf(7) });

    const result = await syncPermissionSets(clients, settings(["Present", "Gone", "NeverExisted"]));

    assert.deepEqual(result.missing, ["Gone", "NeverExisted"]);
    assert.deepEqual(result.deleted, ["Gone"]);
    assert.deepEqual(result.written, ["Present"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Gone/);
    assert.match(warnings[0], /NeverExisted/);
  });

  it("describes only ARNs not already in the cache, and fills the cache for the next invocation", async () => {
    const arns = givenPermissionSets(["A", "B", "C"]);
    givenParameters({});
    const cache = new Map([[arns.get("A")!, "A"]]);

    await syncPermissionSets(clients, settings(["A", "B", "C"]), cache);

    const described = ssoAdminMock
      .commandCalls(DescribePermissionSetCommand)
      .map((c) => c.args[0].input.PermissionSetArn);
    assert.deepEqual(described.sort(), [arns.get("B"), arns.get("C")]);
    assert.equal(cache.size, 3);

    ssoAdminMock.resetHistory();
    await syncPermissionSets(clients, settings(["A", "B", "C"]), cache);
    assert.equal(ssoAdminMock.commandCalls(DescribePermissionSetCommand).length, 0);
  });

  it("forgets cached ARNs that are no longer listed", async () => {
    const arns = givenPermissionSets(["A"]);
    givenParameters({});
    const cache = new Map([
      [arns.get("A")!, "A"],
      [arnOf(77), "Deleted"],
    ]);

    await syncPermissionSets(clients, settings(["A"]), cache);

    assert.deepEqual([...cache.entries()], [[arns.get("A"), "A"]]);
  });

  it("keeps at most five DescribePermissionSet requests in flight", async () => {
    const names = Array.from({ length: 23 }, (_, i) => `Set${i}`);
    givenPermissionSets(names);
    givenParameters({});
    let inFlight = 0;
    let peak = 0;
    ssoAdminMock.on(DescribePermissionSetCommand).callsFake(async (input) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { PermissionSet: { Name: names[Number.parseInt(input.PermissionSetArn.slice(-16), 16) - 1] } };
    });

    const result = await syncPermissionSets(clients, settings(names));

    assert.equal(peak, 5);
    assert.equal(result.written.length, 23);
  });

  it("lets an API error propagate", async () => {
    givenPermissionSets(["A"]);
    givenParameters({});
    ssmMock.on(PutParameterCommand).rejects(new Error("AccessDeniedException: not allowed"));

    await assert.rejects(syncPermissionSets(clients, settings(["A"])), /AccessDenied/);
  });
});
