/**
 * The Parameter Store fake: what the permission set sync writes (PutParameter with Overwrite and AllowedPattern,
 * GetParametersByPath, DeleteParameter) and what the grant workflow reads (GetParameter), per account and region.
 * Hierarchical names follow the PutParameter reference's example, /Dev/DBServer/MySQL/db-string13.
 */
import assert from "node:assert/strict";
import { patterns } from "../../../../shared/patterns";
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { PARAMETER_STORE_APIS, ParameterStoreFake } from "../../../../tools/sim/services/parameterStore";
import {
  GRANT_WORKFLOW_ROLE,
  MANAGEMENT,
  PERMISSION_SET_PATH,
  parameterArn,
  REGION,
  REQUESTER,
  roleArn,
} from "../../../management/iam/fixtures";
import { awsError } from "../support/aws";

const SYNC: Caller = { account: MANAGEMENT, region: REGION, roleArn: GRANT_WORKFLOW_ROLE, sessionName: "sync" };
const ADMIN_ARN = "arn:aws:sso:::permissionSet/ssoins-68047a3b2c1d9e0f/ps-0123456789abcdef";
/** The AllowedPattern the permission set sync writes with. */
const ARN_PATTERN = patterns.permissionSetArn.source;

function setUp() {
  const clock = new VirtualClock();
  const store = new ParameterStoreFake(clock);
  const call = (api: string, input: ApiInput, caller = SYNC) => store.call(api, input, caller);
  const put = (name: string, value: string, extra: ApiInput = {}) =>
    call("PutParameter", { Name: name, Value: value, Type: "String", ...extra }) as Promise<{ Version: number }>;
  const get = async (name: string, caller = SYNC) =>
    ((await call("GetParameter", { Name: name }, caller)) as { Parameter: Record<string, unknown> }).Parameter;
  return { clock, store, call, put, get };
}

describe("Parameter Store fake", () => {
  it("answers only the parameter APIs, the set the world routes to it", async () => {
    const { call } = setUp();
    assert.deepEqual([...PARAMETER_STORE_APIS].sort(), [
      "DeleteParameter",
      "GetParameter",
      "GetParameters",
      "GetParametersByPath",
      "PutParameter",
    ]);
    await assert.rejects(call("StartAutomationExecution", {}), /does not implement StartAutomationExecution/);
  });

  describe("PutParameter and GetParameter", () => {
    it("creates version 1 and returns the parameter with its type, version, date and ARN", async () => {
      const { clock, put, get } = setUp();
      const name = `${PERMISSION_SET_PATH}AWSAdministratorAccess`;
      await clock.run(START_TIME + 5000);
      assert.deepEqual(await put(name, ADMIN_ARN, { AllowedPattern: ARN_PATTERN }), { Version: 1, Tier: "Standard" });
      assert.deepEqual(await get(name), {
        Name: name,
        Type: "String",
        Value: ADMIN_ARN,
        Version: 1,
        LastModifiedDate: new Date(START_TIME + 5000),
        ARN: parameterArn(name),
        DataType: "text",
      });
      assert.deepEqual(await get(parameterArn(name)), await get(name));
    });

    it("refuses to replace a parameter without Overwrite, and versions it with Overwrite", async () => {
      const { put, get } = setUp();
      await put("/Dev/DBServer/MySQL/db-string13", "one");
      await assert.rejects(put("/Dev/DBServer/MySQL/db-string13", "two"), awsError("ParameterAlreadyExists"));
      assert.equal((await put("/Dev/DBServer/MySQL/db-string13", "two", { Overwrite: true })).Version, 2);
      assert.equal((await get("/Dev/DBServer/MySQL/db-string13")).Value, "two");
      const first = await get("/Dev/DBServer/MySQL/db-string13:1");
      assert.deepEqual([first.Value, first.Version, first.Selector], ["one", 1, ":1"]);
      await assert.rejects(get("/Dev/DBServer/MySQL/db-string13:3"), awsError("ParameterVersionNotFound"));
    });

    it("answers ParameterNotFound for a name that does not exist", async () => {
      const { get } = setUp();
      await assert.rejects(get(`${PERMISSION_SET_PATH}Missing`), awsError("ParameterNotFound"));
    });

    it("checks the value against AllowedPattern, kept across overwrites", async () => {
      const { put } = setUp();
      const name = `${PERMISSION_SET_PATH}AWSReadOnlyAccess`;
      await assert.rejects(
        put(name, "not-an-arn", { AllowedPattern: ARN_PATTERN }),
        awsError("ParameterPatternMismatchException"),
      );
      await put(name, ADMIN_ARN, { AllowedPattern: ARN_PATTERN });
      await assert.rejects(put(name, "still-not", { Overwrite: true }), awsError("ParameterPatternMismatchException"));
      await assert.rejects(put("/x", "v", { AllowedPattern: "(" }), awsError("InvalidAllowedPatternException"));
    });

    it("needs a Type to create, and will not change a parameter's type", async () => {
      const { call, put } = setUp();
      await assert.rejects(call("PutParameter", { Name: "/a/b", Value: "v" }), awsError("ValidationException"));
      await put("/a/b", "v");
      await assert.rejects(
        put("/a/b", "v2", { Type: "SecureString", Overwrite: true }),
        awsError("HierarchyTypeMismatchException"),
      );
      assert.equal(
        ((await call("PutParameter", { Name: "/a/b", Value: "v3", Overwrite: true })) as { Version: number }).Version,
        2,
      );
    });

    it("applies the naming constraints of the API reference", async () => {
      const { put } = setUp();
      await assert.rejects(put("awsSecret", "v"), awsError("ValidationException"));
      await assert.rejects(put("/ssm/thing", "v"), awsError("ValidationException"));
      await assert.rejects(put("Dev/DBServer", "v"), awsError("ValidationException"));
      await assert.rejects(put("/Dev/has space", "v"), awsError("ValidationException"));
      const sixteenLevels = Array.from({ length: 16 }, (_, i) => `/l${i}`).join("");
      await assert.rejects(put(sixteenLevels, "v"), awsError("HierarchyLevelLimitExceededException"));
      assert.equal((await put(sixteenLevels.slice(0, sixteenLevels.lastIndexOf("/")), "v")).Version, 1);
    });

    it("refuses an empty value, one over 4 KB in the standard tier, and nested {{ }} references", async () => {
      const { put } = setUp();
      await assert.rejects(put("/v/empty", ""), awsError("ValidationException"));
      await assert.rejects(put("/v/big", "x".repeat(4097)), awsError("ValidationException"));
      assert.equal((await put("/v/big", "x".repeat(4097), { Tier: "Advanced" })).Version, 1);
      await assert.rejects(put("/v/nested", "{{ssm:/other}}"), awsError("ValidationException"));
    });

    it("keeps each account and region apart", async () => {
      const { put, get } = setUp();
      await put("/shared/name", "management");
      const requester: Caller = { ...SYNC, account: REQUESTER, roleArn: roleArn(REQUESTER, "r") };
      await assert.rejects(get("/shared/name", requester), awsError("ParameterNotFound"));
      await assert.rejects(get("/shared/name", { ...SYNC, region: "us-east-1" }), awsError("ParameterNotFound"));
      await assert.rejects(get(parameterArn("/shared/name"), requester), awsError("AccessDeniedException"));
    });

    it("returns a SecureString's value only when asked to decrypt it", async () => {
      const { call, put } = setUp();
      await put("/secret/token", "s3cr3t", { Type: "SecureString" });
      const encrypted = (await call("GetParameter", { Name: "/secret/token" })) as { Parameter: { Value: string } };
      assert.notEqual(encrypted.Parameter.Value, "s3cr3t");
      const decrypted = (await call("GetParameter", {
        Name: "/secret/token",
        WithDecryption: true,
      })) as typeof encrypted;
      assert.equal(decrypted.Parameter.Value, "s3cr3t");
    });
  });

  it("GetParameters returns the found parameters and lists the missing ones as invalid", async () => {
    const { call, put } = setUp();
    await put("/a/one", "1");
    const out = (await call("GetParameters", { Names: ["/a/one", "/a/two"] })) as {
      Parameters: { Name: string }[];
      InvalidParameters: string[];
    };
    assert.deepEqual(
      out.Parameters.map((p) => p.Name),
      ["/a/one"],
    );
    assert.deepEqual(out.InvalidParameters, ["/a/two"]);
  });

  describe("GetParametersByPath", () => {
    async function hierarchy() {
      const fake = setUp();
      for (const name of [
        "/Dev/DBServer/MySQL/db-string13",
        "/Dev/DBServer/MySQL/port",
        "/Dev/web-url",
        "/Dev/api-url",
        "/Prod/web-url",
      ]) {
        await fake.put(name, `value of ${name}`);
      }
      const byPath = async (input: ApiInput) => {
        const names: string[] = [];
        let token: string | undefined;
        do {
          const out = (await fake.call("GetParametersByPath", { ...input, ...(token && { NextToken: token }) })) as {
            Parameters: { Name: string; Value: string }[];
            NextToken?: string;
          };
          names.push(...out.Parameters.map((p) => p.Name));
          token = out.NextToken;
        } while (token);
        return names;
      };
      return { ...fake, byPath };
    }

    it("without Recursive returns only the parameters one level below the path", async () => {
      const { byPath } = await hierarchy();
      assert.deepEqual(await byPath({ Path: "/Dev" }), ["/Dev/api-url", "/Dev/web-url"]);
      assert.deepEqual(await byPath({ Path: "/Dev/", Recursive: false }), ["/Dev/api-url", "/Dev/web-url"]);
    });

    it("with Recursive returns the whole hierarchy below the path", async () => {
      const { byPath } = await hierarchy();
      assert.deepEqual(await byPath({ Path: "/Dev", Recursive: true }), [
        "/Dev/DBServer/MySQL/db-string13",
        "/Dev/DBServer/MySQL/port",
        "/Dev/api-url",
        "/Dev/web-url",
      ]);
    });

    it("pages by MaxResults (1 to 10) and NextToken", async () => {
      const { call, byPath } = await hierarchy();
      const first = (await call("GetParametersByPath", { Path: "/Dev", Recursive: true, MaxResults: 3 })) as {
        Parameters: unknown[];
        NextToken?: string;
      };
      assert.equal(first.Parameters.length, 3);
      assert.ok(first.NextToken);
      assert.equal((await byPath({ Path: "/Dev", Recursive: true, MaxResults: 1 })).length, 4);
      await assert.rejects(
        call("GetParametersByPath", { Path: "/Dev", MaxResults: 11 }),
        awsError("ValidationException"),
      );
      await assert.rejects(
        call("GetParametersByPath", { Path: "/Dev", NextToken: "Zm9v" }),
        awsError("InvalidNextToken"),
      );
    });

    it("rejects a path that does not start with a slash, and filters it does not implement", async () => {
      const { call } = await hierarchy();
      await assert.rejects(call("GetParametersByPath", { Path: "Dev" }), awsError("ValidationException"));
      await assert.rejects(
        call("GetParametersByPath", { Path: "/Dev", ParameterFilters: [{ Key: "Type", Values: ["String"] }] }),
        /does not filter parameters/,
      );
    });
  });

  it("deletes a parameter, and answers ParameterNotFound when there is none", async () => {
    const { call, put, get, store } = setUp();
    await put("/gone/soon", "v");
    assert.deepEqual(await call("DeleteParameter", { Name: "/gone/soon" }), {});
    await assert.rejects(get("/gone/soon"), awsError("ParameterNotFound"));
    await assert.rejects(call("DeleteParameter", { Name: "/gone/soon" }), awsError("ParameterNotFound"));
    assert.equal(store.valueOf(MANAGEMENT, REGION, "/gone/soon"), undefined);
  });

  it("lets the world seed parameters as PutParameter with Overwrite would", () => {
    const { store } = setUp();
    assert.equal(store.setParameter(MANAGEMENT, REGION, "/seed/x", "1"), 1);
    assert.equal(store.setParameter(MANAGEMENT, REGION, "/seed/x", "2"), 2);
    assert.equal(store.valueOf(MANAGEMENT, REGION, "/seed/x"), "2");
  });
});
