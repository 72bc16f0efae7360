/**
 * EventBridge input templates for rules that start Automation documents. A template is not JSON (it holds
 * `<placeholder>`s), so it is built from an object: the object is serialized, then each placeholder's marker string is
 * swapped for the bare placeholder. Bare, EventBridge inserts the event field as a JSON value, quoted and escaped;
 * inside quotes it would insert the raw text unescaped, and a `"` in a field could rewrite the parameters.
 */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class Placeholder {
  constructor(readonly name: string) {
    if (!NAME.test(name)) throw new Error(`input placeholder ${JSON.stringify(name)} must match ${NAME.source}`);
  }
}

const MARK = "\u0000";

/** Automation parameters (each a list of one string, as Automation takes them), from event fields or literals. */
export function inputTemplate(parameters: Readonly<Record<string, Placeholder | string>>): string {
  const lists = Object.entries(parameters).map(([key, value]) => {
    if (typeof value === "string" && value.includes(MARK)) throw new Error(`parameter ${key} contains a NUL character`);
    return [key, [value instanceof Placeholder ? `${MARK}${value.name}${MARK}` : value]];
  });
  return JSON.stringify(Object.fromEntries(lists)).replace(/"\\u0000([A-Za-z0-9_-]+)\\u0000"/g, "<$1>");
}
