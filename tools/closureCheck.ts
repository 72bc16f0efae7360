/**
 * What Pulumi's closure serializer cannot carry into a Lambda function's code, and a check that watches it serialize.
 *
 * Read from @pulumi/pulumi 3.248.0, runtime/closure/createClosure.js (getOrCreateEntryAsync, serializeObjectAsync,
 * analyzeFunctionInfoAsync), parseFunction.js and v8.js (getBoundFunction), and confirmed by serializing a sample of
 * each (tests/tools/closureCheck.test.ts): the serializer rebuilds every captured object from its own properties and
 * its prototype, and every function from its source text. So whatever lives elsewhere is lost:
 * - built-ins that keep their state in internal slots (Set, Map, WeakSet, WeakMap, WeakRef, FinalizationRegistry,
 *   Date, ArrayBuffer, typed arrays and Buffer, DataView, boxed primitives, generator objects, Error instances):
 *   each becomes a plain object on the built-in's prototype (or carrying the few methods the code names), whose
 *   methods throw on it;
 * - symbols: a symbol becomes an object built on Symbol.prototype;
 * - a Proxy: its target's properties are read, its handler is gone;
 * - a class extending a built-in (an Error subclass): its constructor becomes a function calling
 *   `Builtin.call(this, ...)`, which initializes nothing on `this` (an Error subclass's message is lost);
 * - a class's instance field initializers and private members: only the constructor's source is kept, so fields are
 *   never set, and methods using `#private` names no longer compile;
 * - a bound function: rebuilt from its target's source text, with a bound `this` or argument that is an object
 *   (or a function) replaced by undefined (v8.js reads bound values from the inspector as primitives only);
 * - an object marked `doNotCapture`: serialized as undefined.
 * Carried faithfully (the tests show it): plain objects and arrays (extra array properties too), getters and setters,
 * static class members, RegExps, primitives and Pulumi Outputs.
 *
 * The check runs inside the serializer: `serializeFunction` calls its `serialize` callback with every value it is
 * about to capture, so wrapping that callback sees exactly what goes into the text that ships.
 */
import { types } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";

/** A captured value the serializer degrades, and what is lost. */
export interface Degradation {
  what: string;
  loses: string;
}

const isNative = (f: unknown) =>
  typeof f === "function" && /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(f));

const SLOT_KINDS: [string, (v: object) => boolean, string][] = [
  ["a Set", types.isSet, "its elements"],
  ["a Map", types.isMap, "its entries"],
  ["a WeakSet", types.isWeakSet, "its members"],
  ["a WeakMap", types.isWeakMap, "its entries"],
  ["a WeakRef", (v) => v instanceof WeakRef, "its target"],
  ["a FinalizationRegistry", (v) => v instanceof FinalizationRegistry, "its registrations"],
  ["a Date", types.isDate, "its time"],
  ["an ArrayBuffer", types.isAnyArrayBuffer, "its bytes"],
  ["a typed array, Buffer or DataView", types.isArrayBufferView, "its buffer (its bytes become indexed properties)"],
  ["a boxed primitive", types.isBoxedPrimitive, "its primitive value"],
  ["a generator object", types.isGeneratorObject, "its suspended state"],
  [
    "an Error instance",
    types.isNativeError,
    "its error slot (util.types.isNativeError and structuredClone see an object)",
  ],
];

/** What the serializer loses of `value`, or undefined if it carries it faithfully. */
export function degradation(value: unknown): Degradation | undefined {
  if (typeof value === "symbol") {
    return {
      what: `the symbol ${String(value)}`,
      loses: "its identity: it becomes an object built on Symbol.prototype",
    };
  }
  if (typeof value === "function") return functionDegradation(value);
  if (typeof value !== "object" || value === null) return undefined;
  if (types.isProxy(value)) {
    return { what: "a Proxy", loses: "its handler: only its target's properties, as read, are kept" };
  }
  for (const [what, test, state] of SLOT_KINDS) {
    if (test(value)) {
      return {
        what: `${what} (${describe(value)})`,
        loses: `${state}, kept in an internal slot: it becomes a plain object whose ${what.replace(/^an? /, "")} methods throw`,
      };
    }
  }
  if ((value as { doNotCapture?: unknown }).doNotCapture === true) {
    return {
      what: `an object marked doNotCapture (${describe(value)})`,
      loses: "everything: it is serialized as undefined",
    };
  }
  return undefined;
}

function describe(value: object): string {
  const text = require("node:util").inspect(value, { depth: 0, breakLength: Number.POSITIVE_INFINITY }) as string;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// biome-ignore lint/complexity/noBannedTypes: any function value the serializer meets
function functionDegradation(fn: Function): Degradation | undefined {
  const source = Function.prototype.toString.call(fn);
  if (isNative(fn) && fn.name.startsWith("bound ")) {
    return {
      what: `the bound function ${fn.name}`,
      loses: "its binding: it is rebuilt from its target's source, a bound this or argument that is an object lost",
    };
  }
  if (!source.startsWith("class")) return undefined;
  const name = fn.name || "(anonymous class)";
  const base = Object.getPrototypeOf(fn);
  if (base !== Function.prototype && isNative(base)) {
    return {
      what: `the class ${name}, which extends the built-in ${base.name}`,
      loses: `its construction: the constructor calls ${base.name}.call(this, ...), which sets nothing on the instance (an Error subclass loses its message)`,
    };
  }
  const { initialized, privateNames } = classMembers(source);
  if (privateNames.length > 0) {
    return {
      what: `the class ${name}, with private members ${privateNames.join(", ")}`,
      loses: "its private members: they are never set, and methods using them no longer compile outside the class",
    };
  }
  if (initialized.length > 0) {
    return {
      what: `the class ${name}, with field initializers ${initialized.join(", ")}`,
      loses: "its field initializers: only the constructor is kept, so instances lack these fields",
    };
  }
  return undefined;
}

/** A class's instance fields with initializers and its private member names, from its source. */
function classMembers(source: string): { initialized: string[]; privateNames: string[] } {
  const file = ts.createSourceFile("class.js", `(${source})`, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const initialized: string[] = [];
  const privateNames: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassExpression(node)) {
      for (const member of node.members) {
        const memberName = member.name;
        if (memberName && ts.isPrivateIdentifier(memberName)) privateNames.push(memberName.text);
        else if (
          ts.isPropertyDeclaration(member) &&
          member.initializer &&
          !member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
        ) {
          initialized.push(member.name.getText(file));
        }
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { initialized, privateNames };
}

type SerializeArgs = NonNullable<Parameters<typeof pulumi.runtime.serializeFunction>[1]>;

/** A serialized closure's text and the degraded values that went into it. */
export interface CheckedClosure {
  text: string;
  degradations: Degradation[];
}

function inspecting(serialize: SerializeArgs["serialize"], found: Degradation[]): (value: unknown) => boolean {
  return (value) => {
    const keep = serialize ? serialize(value) : true;
    const lost = keep ? degradation(value) : undefined;
    if (lost) found.push(lost);
    return keep;
  };
}

const runtime = pulumi.runtime as { serializeFunction: typeof pulumi.runtime.serializeFunction };
const serializeFunction = runtime.serializeFunction;

// biome-ignore lint/complexity/noBannedTypes: serializeFunction takes any function
export async function serializeChecked(func: Function, args: SerializeArgs = {}): Promise<CheckedClosure> {
  const degradations: Degradation[] = [];
  const { text } = await serializeFunction(func, { ...args, serialize: inspecting(args.serialize, degradations) });
  return { text, degradations };
}

/**
 * Checks every closure serialized while it watches (such as the CallbackFunctions of a stack being planned): each
 * goes through the serializer as it would, with the check inside. `stop` restores the serializer.
 */
export function watchSerializations(): { closures: CheckedClosure[]; stop(): void } {
  const closures: CheckedClosure[] = [];
  runtime.serializeFunction = async (func, args = {}) => {
    const degradations: Degradation[] = [];
    const closure = await serializeFunction(func, { ...args, serialize: inspecting(args.serialize, degradations) });
    closures.push({ text: closure.text, degradations });
    return closure;
  };
  return {
    closures,
    stop: () => {
      runtime.serializeFunction = serializeFunction;
    },
  };
}

/** The closures a check found degraded values in, one line per value. */
export function formatDegradations(
  closures: readonly CheckedClosure[],
  label: (c: CheckedClosure) => string,
): string[] {
  return closures.flatMap((c) => c.degradations.map((d) => `${label(c)}: ${d.what} loses ${d.loses}`));
}
