/**
 * What Pulumi's closure serializer degrades, each kind shown on a small closure: the check flags it, and the
 * serialized code, loaded as Lambda loads it, answers differently from the original (or does not load). What it
 * carries faithfully is shown the same way: not flagged, same answer.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { degradation, serializeChecked, watchSerializations } from "../../tools/closureCheck";
import { VirtualClock } from "../../tools/sim/clock";
import { Ids } from "../../tools/sim/ids";
import { loadHandler, type UploadedFunction } from "../../tools/sim/uploadedFunction";

type Probe = () => unknown;
type Outcome = { value: unknown } | { threw: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (err) {
    return { threw: err instanceof Error ? err.name : String(err) };
  }
}

const PROBE: Omit<UploadedFunction, "files"> = {
  name: "probe",
  account: "111122223333",
  region: "eu-west-1",
  handler: "__index.handler",
  environment: {},
  runtime: "nodejs22.x",
  timeoutSeconds: 3,
  role: {
    account: "111122223333",
    region: "eu-west-1",
    roleArn: "arn:aws:iam::111122223333:role/probe",
    sessionName: "probe",
  },
};

const nowhere = {
  clock: new VirtualClock(),
  ids: new Ids("probe"),
  callAws: () => Promise.reject(new Error("a probe makes no AWS calls")),
  sessionFor: () => {
    throw new Error("a probe has no sessions");
  },
  writeLog: () => {},
};

/** The probe as uploaded: serialized as a CallbackFunction's factory would be, then loaded and called. */
async function uploaded(probe: Probe) {
  const { text, degradations } = await serializeChecked(() => probe, { isFactoryFunction: true });
  const files = { "__index.js": text };
  const answer = outcome(() => (loadHandler({ ...PROBE, files }, nowhere, {}) as Probe)());
  return { degradations, answer };
}

class Rejection extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "Rejection";
  }
}
class WithField {
  count = 1;
}
class WithPrivate {
  #secret = 1;
  reveal() {
    return this.#secret;
  }
}
class Rule {
  readonly regex: RegExp;
  constructor(readonly source: string) {
    this.regex = new RegExp(source);
  }
  test(value: string) {
    return this.regex.test(value);
  }
}
// biome-ignore lint/complexity/noStaticOnlyClass: static members are what this shows the serializer carrying
class Counter {
  static start = 5;
  static next() {
    return Counter.start + 1;
  }
}

const KEY = {};
const SET = new Set(["a"]);
const MAP = new Map([["a", 1]]);
const WEAK_SET = new WeakSet([KEY]);
const WEAK_MAP = new WeakMap([[KEY, 1]]);
const REF = new WeakRef(KEY);
const REGISTRY = new FinalizationRegistry(() => {});
const DATE = new Date(0);
const BYTES = new Uint8Array([1, 2]);
const BUFFER = Buffer.from("ab");
const BUFFER_BYTES = new ArrayBuffer(2);
const BOXED = Object(3) as number;
const GENERATOR = (function* () {
  yield 1;
})();
const ERROR = new Error("boom");
const SYMBOL = Symbol("key");
const PROXY = new Proxy({ own: 1 } as Record<string, number>, { get: () => 42 });
const BOUND = function (this: { a: number }) {
  return this.a;
}.bind({ a: 1 });
const NOT_CAPTURED = { doNotCapture: true, value: 1 };
const EXTRA = Object.assign([1], { extra: 2 });
const GETTER = {
  get answer() {
    return 6 * 7;
  },
};
const PATTERN = /^a+$/i;
const RULE = new Rule("^x$");
const NESTED = { list: [{ name: "x" }], count: 2 };

const DEGRADED: [string, RegExp, Probe][] = [
  ["a Set", /^a Set/, () => SET.has("a")],
  ["a Map", /^a Map/, () => MAP.get("a")],
  ["a WeakSet", /^a WeakSet/, () => WEAK_SET.has(KEY)],
  ["a WeakMap", /^a WeakMap/, () => WEAK_MAP.get(KEY)],
  ["a WeakRef", /^a WeakRef/, () => REF.deref() === KEY],
  ["a FinalizationRegistry", /^a FinalizationRegistry/, () => REGISTRY.unregister(KEY)],
  ["a Date", /^a Date/, () => DATE.getTime()],
  ["a typed array", /^a typed array/, () => new Uint8Array(BYTES).length],
  ["a Buffer", /^a typed array, Buffer/, () => BUFFER.toString()],
  ["an ArrayBuffer", /^an ArrayBuffer/, () => new Uint8Array(BUFFER_BYTES).length],
  ["a boxed primitive", /^a boxed primitive/, () => BOXED.valueOf()],
  ["a generator object", /^a generator object/, () => Array.from(GENERATOR)],
  ["an Error instance", /^an Error instance/, () => Object.prototype.toString.call(ERROR)],
  ["a symbol", /^the symbol Symbol\(key\)/, () => typeof SYMBOL],
  ["a Proxy", /^a Proxy/, () => PROXY[String("elsewhere")]],
  ["an Error subclass", /^the class Rejection, which extends the built-in Error/, () => new Rejection("why").message],
  ["a class field initializer", /^the class WithField, with field initializers count/, () => new WithField().count],
  ["a class private member", /^the class WithPrivate, with private members #secret/, () => new WithPrivate().reveal()],
  ["a bound function", /^the bound function bound /, () => BOUND()],
  ["an object marked doNotCapture", /^an object marked doNotCapture/, () => NOT_CAPTURED.value],
];

const FAITHFUL: [string, Probe][] = [
  ["a plain object with nested arrays", () => NESTED.list[0].name + NESTED.count],
  ["an array with extra properties", () => EXTRA.extra + EXTRA[0]],
  ["a getter", () => GETTER.answer],
  ["a RegExp", () => PATTERN.test("AA")],
  ["a class whose constructor sets its fields (the shape of shared/patterns' Pattern)", () => RULE.test("x")],
  ["static class members", () => Counter.next()],
];

describe("the closure serializer's degradations", () => {
  for (const [kind, flagged, probe] of DEGRADED) {
    it(`${kind}: the check flags it, and the uploaded code does not answer as the original`, async () => {
      const original = outcome(probe);
      const { degradations, answer } = await uploaded(probe);
      assert.ok(
        degradations.some((d) => flagged.test(d.what)),
        `not flagged: ${JSON.stringify(degradations)}`,
      );
      assert.notDeepEqual(answer, original);
    });
  }

  for (const [kind, probe] of FAITHFUL) {
    it(`${kind}: carried faithfully, not flagged, and the uploaded code answers as the original`, async () => {
      const { degradations, answer } = await uploaded(probe);
      assert.deepEqual(degradations, []);
      assert.deepEqual(answer, outcome(probe));
    });
  }

  it("names what is lost, for the reader of a failing check", () => {
    assert.deepEqual(degradation(new Set(["a"])), {
      what: "a Set (Set(1) { 'a' })",
      loses: "its elements, kept in an internal slot: it becomes a plain object whose Set methods throw",
    });
  });

  it("watches every closure serialized while it watches, and stops when told", async () => {
    const watch = watchSerializations();
    try {
      await pulumi.runtime.serializeFunction(() => () => SET.has("a"), { isFactoryFunction: true });
    } finally {
      watch.stop();
    }
    await pulumi.runtime.serializeFunction(() => () => MAP.get("a"), { isFactoryFunction: true });
    assert.equal(watch.closures.length, 1);
    assert.match(watch.closures[0].degradations[0].what, /^a Set/);
  });
});
