/**
 * CloudWatch Logs (`logs`) as CloudWatch Logs Insights answers queries over the CloudTrail log group. The fake runs a
 * small part of the Logs Insights language: the commands and functions the CloudTrail summary's query uses (filter
 * with =, !=, like, and, or, not, ispresent; glob parse; fields with concat; stats count(*) by; sort; limit). Any
 * other query text fails loudly rather than returning unfiltered data.
 */
import { type ApiInput, AwsError, type Caller, type ServiceFake, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";

export interface LogRecord {
  /** Epoch milliseconds, as InputLogEvent's timestamp. */
  timestamp: number;
  message: string;
}

interface LogGroup {
  account: string;
  region: string;
  name: string;
  events: LogRecord[];
}

type Status = "Running" | "Complete" | "Cancelled";

interface Query {
  account: string;
  region: string;
  status: Status;
  polls: number;
  results: ResultField[][];
  statistics: { recordsMatched: number; recordsScanned: number; bytesScanned: number };
}

interface ResultField {
  field: string;
  value: string;
}

/** The log group name pattern of the CloudWatch Logs API reference (API_CreateLogGroup). */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
/** The StartQuery API reference allows up to 100,000 rows; the older 1,000 default applies when none is given. */
const MAX_LIMIT = 100_000;
const DEFAULT_LIMIT = 1000;

export class LogsFake implements ServiceFake {
  readonly service = "logs";
  private readonly groups: LogGroup[] = [];
  private readonly queries = new Map<string, Query>();

  /** The clock is unused: queries complete by polling, not by time. It keeps the fakes' constructors alike. */
  constructor(
    _clock: VirtualClock,
    private readonly ids: Ids,
  ) {}

  createLogGroup(account: string, region: string, name: string): void {
    if (!LOG_GROUP_NAME.test(name)) throw new Error(`not a log group name: ${name}`);
    if (this.groups.some((g) => g.account === account && g.region === region && g.name === name)) {
      throw new Error(`log group ${name} exists in ${account} ${region}`);
    }
    this.groups.push({ account, region, name, events: [] });
  }

  /** Adds events (CloudTrail records as JSON text) to the log group; account and region pick among namesakes. */
  putEvents(logGroupName: string, records: LogRecord[], account?: string, region?: string): void {
    const matching = this.groups.filter(
      (g) =>
        g.name === logGroupName &&
        (account === undefined || g.account === account) &&
        (region === undefined || g.region === region),
    );
    if (matching.length !== 1) throw new Error(`${matching.length} log groups named ${logGroupName}`);
    matching[0].events.push(...records.map((r) => ({ ...r })));
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    switch (api) {
      case "StartQuery":
        return this.startQuery(input, caller);
      case "GetQueryResults":
        return this.getQueryResults(input, caller);
      case "StopQuery":
        return this.stopQuery(input, caller);
      default:
        return unsupported(this.service, api);
    }
  }

  private startQuery(input: ApiInput, caller: Caller) {
    const groups = this.queriedGroups(input, caller);
    const startTime = epochSeconds(input, "startTime");
    const endTime = epochSeconds(input, "endTime");
    if (endTime < startTime) throw invalid("endTime must not be before startTime");
    const queryString = input.queryString;
    if (typeof queryString !== "string" || queryString.length < 1 || queryString.length > 10_000) {
      throw invalid("queryString must be 1 to 10000 characters");
    }
    const limit = input.limit ?? DEFAULT_LIMIT;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw invalid(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    const commands = parseQuery(queryString);

    // Both ends of the range are inclusive, in whole seconds (StartQuery, startTime and endTime).
    const events = groups.flatMap((g) =>
      g.events
        .filter((e) => e.timestamp >= startTime * 1000 && e.timestamp < (endTime + 1) * 1000)
        .map((e) => ({ event: e, group: g })),
    );
    // The leading filters read each record's fields where they were found once; only the records they keep are copied
    // for the commands that add fields (a long run queries many records many times).
    const leading = commands.findIndex((c) => c.kind !== "filter");
    const filters = (leading < 0 ? commands : commands.slice(0, leading)) as Extract<Command, { kind: "filter" }>[];
    const kept = events
      .map(({ event, group }) => recordFields(event, `${group.account}:${group.name}`))
      .filter((row) => filters.every((f) => holds(f.expr, row)));
    const rest = leading < 0 ? [] : commands.slice(leading);
    const { rows: results, matched } = runCommands(
      rest,
      kept.map((row) => new Map(row)),
      events.length,
    );
    const queryId = this.ids.uuid();
    this.queries.set(queryId, {
      account: caller.account,
      region: caller.region,
      status: "Running",
      polls: 0,
      results: results.slice(0, limit).map(toResultFields),
      statistics: {
        recordsMatched: matched,
        recordsScanned: events.length,
        bytesScanned: events.reduce((sum, { event }) => sum + Buffer.byteLength(event.message), 0),
      },
    });
    return { queryId };
  }

  /** The first poll of a query finds it Running, every later one Complete (or Cancelled after StopQuery). */
  private getQueryResults(input: ApiInput, caller: Caller) {
    const query = this.query(input, caller);
    if (query.status === "Running" && query.polls++ > 0) query.status = "Complete";
    return {
      queryLanguage: "CWLI",
      results: query.status === "Complete" ? query.results : [],
      statistics: query.statistics,
      status: query.status,
    };
  }

  private stopQuery(input: ApiInput, caller: Caller) {
    const query = this.query(input, caller);
    if (query.status !== "Running") return { success: false };
    query.status = "Cancelled";
    return { success: true };
  }

  private query(input: ApiInput, caller: Caller): Query {
    const id = input.queryId;
    if (typeof id !== "string") throw invalid("queryId is required");
    const query = this.queries.get(id);
    if (!query || query.account !== caller.account || query.region !== caller.region) {
      throw new AwsError("ResourceNotFoundException", `Query ${id} does not exist`);
    }
    return query;
  }

  /** Exactly one of logGroupName, logGroupNames and logGroupIdentifiers (StartQuery API reference). */
  private queriedGroups(input: ApiInput, caller: Caller): LogGroup[] {
    const given = (["logGroupName", "logGroupNames", "logGroupIdentifiers"] as const).filter(
      (key) => input[key] !== undefined,
    );
    if (given.length !== 1) throw invalid("give exactly one of logGroupName, logGroupNames, logGroupIdentifiers");
    const raw = input[given[0]];
    const names = typeof raw === "string" ? [raw] : raw;
    if (!Array.isArray(names) || names.length < 1 || names.length > 50) throw invalid(`${given[0]}: 1 to 50 groups`);
    return names.map((reference) => {
      if (typeof reference !== "string") throw invalid(`${given[0]} must hold strings`);
      const arn = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:*]+)$/.exec(reference);
      if (arn && (arn[1] !== caller.region || arn[2] !== caller.account)) {
        throw new Error("the simulator's logs fake does not simulate cross-account observability");
      }
      const name = arn ? arn[3] : reference;
      const group = this.groups.find(
        (g) => g.account === caller.account && g.region === caller.region && g.name === name,
      );
      if (!group) throw new AwsError("ResourceNotFoundException", `The specified log group does not exist: ${name}`);
      return group;
    });
  }
}

function invalid(message: string): AwsError {
  return new AwsError("InvalidParameterException", message);
}

function epochSeconds(input: ApiInput, field: string): number {
  const value = input[field];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw invalid(`${field} must be epoch seconds`);
  }
  return value;
}

// --- Records as Logs Insights sees them ---

type Value = string | number;
type Row = Map<string, Value>;

/**
 * The system fields and the JSON fields Logs Insights discovers, flattened with dots (CloudWatch Logs User Guide,
 * "Supported logs and discovered fields"). Booleans become 1 and 0, as Logs Insights presents them.
 */
/**
 * The record's fields, shared: copy before adding any (parse, fields). A record is in one log group, so `@log` is
 * part of what is found once.
 */
function recordFields(event: LogRecord, log: string): Row {
  let discovered = discoveredFields.get(event);
  if (!discovered) {
    discovered = discoverFields(event);
    discovered.set("@log", log);
    discoveredFields.set(event, discovered);
  }
  return discovered;
}

/** Each record's fields, found once: a record never changes, and every query of a long run would parse it again. */
const discoveredFields = new WeakMap<LogRecord, Row>();

function discoverFields(event: LogRecord): Row {
  const row: Row = new Map<string, Value>([
    ["@timestamp", event.timestamp],
    ["@message", event.message],
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.message);
  } catch {
    return row;
  }
  const visit = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) visit(inner, path ? `${path}.${key}` : key);
    } else if (typeof value === "boolean") row.set(path, value ? 1 : 0);
    else if (typeof value === "number" || typeof value === "string") row.set(path, value);
  };
  if (typeof parsed === "object") visit(parsed, "");
  return row;
}

function toResultFields(row: Row): ResultField[] {
  return [...row].map(([field, value]) => ({ field, value: String(value) }));
}

// --- The query language subset ---

type Literal = string | number;
type Operand = { field: string } | { literal: string };
type Expr =
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; expr: Expr }
  | { kind: "ispresent"; field: string }
  | { kind: "compare"; field: string; op: string; value: Literal }
  | { kind: "like"; field: string; pattern: RegExp | string };
type Command =
  | { kind: "filter"; expr: Expr }
  | { kind: "parse"; field: string; pattern: RegExp; names: string[] }
  | { kind: "fields"; items: { name: string; parts: Operand[]; concat: boolean }[] }
  | { kind: "stats"; countAs: string; by: string[] }
  | { kind: "sort"; field: string; descending: boolean }
  | { kind: "limit"; count: number };

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; value: number }
  | { kind: "regex"; source: string }
  | { kind: "symbol"; text: string };

function cannot(query: string, why: string): Error {
  return new Error(`the simulator's logs fake cannot interpret this Logs Insights query (${why}):\n${query}`);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < query.length && query[i] !== "\n") i++;
    } else if (c === "'" || c === '"') {
      let text = "";
      for (i++; query[i] !== c; i++) {
        if (i >= query.length) throw new AwsError("MalformedQueryException", "unterminated string");
        text += query[i] === "\\" ? query[++i] : query[i];
      }
      tokens.push({ kind: "string", text });
      i++;
    } else if (c === "/") {
      let source = "";
      let inClass = false;
      for (i++; inClass || query[i] !== "/"; i++) {
        if (i >= query.length) throw new AwsError("MalformedQueryException", "unterminated regular expression");
        if (query[i] === "\\") source += query[i++];
        else if (query[i] === "[") inClass = true;
        else if (query[i] === "]") inClass = false;
        source += query[i];
      }
      tokens.push({ kind: "regex", source });
      i++;
    } else if (/[0-9]/.test(c)) {
      const number = /^\d+(\.\d+)?/.exec(query.slice(i))![0];
      tokens.push({ kind: "number", value: Number(number) });
      i += number.length;
    } else if (/[A-Za-z_@]/.test(c)) {
      const word = /^[A-Za-z0-9_@.]+/.exec(query.slice(i))![0];
      tokens.push({ kind: "word", text: word });
      i += word.length;
    } else {
      const symbol = ["!=", "<=", ">=", "=", "<", ">", "(", ")", ",", "|", "*"].find((s) => query.startsWith(s, i));
      if (!symbol) throw cannot(query, `unexpected character ${c}`);
      tokens.push({ kind: "symbol", text: symbol });
      i += symbol.length;
    }
  }
  return tokens;
}

/** A cursor over one command's tokens. */
class Cursor {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly query: string,
  ) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  peekWord(word: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === "word" && t.text === word;
  }

  peekSymbol(symbol: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === "symbol" && t.text === symbol;
  }

  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw cannot(this.query, "the command ends too early");
    return t;
  }

  word(): string {
    const t = this.next();
    if (t.kind !== "word") throw cannot(this.query, `expected a field name, found ${JSON.stringify(t)}`);
    return t.text;
  }

  /** The name after an `as`, if there is one. */
  optionalAs(): string | undefined {
    if (!this.peekWord("as")) return undefined;
    this.i++;
    return this.word();
  }

  expectWord(word: string): void {
    if (this.word() !== word) throw cannot(this.query, `expected ${word}`);
  }

  expectSymbol(symbol: string): void {
    const t = this.next();
    if (t.kind !== "symbol" || t.text !== symbol) throw cannot(this.query, `expected ${symbol}`);
  }

  end(): void {
    if (!this.done()) throw cannot(this.query, `unexpected ${JSON.stringify(this.tokens[this.i])}`);
  }

  fail(why: string): Error {
    return cannot(this.query, why);
  }
}

function parseQuery(query: string): Command[] {
  const commands: Token[][] = [[]];
  let depth = 0;
  for (const t of tokenize(query)) {
    if (t.kind === "symbol" && t.text === "|" && depth === 0) commands.push([]);
    else commands[commands.length - 1].push(t);
    if (t.kind === "symbol") depth += t.text === "(" ? 1 : t.text === ")" ? -1 : 0;
  }
  const parsed = commands.map((tokens) => parseCommand(new Cursor(tokens, query)));
  if (parsed.filter((c) => c.kind === "stats").length !== 1) {
    throw cannot(query, "only queries that aggregate with exactly one stats command are simulated");
  }
  return parsed;
}

function parseCommand(c: Cursor): Command {
  const name = c.word();
  let command: Command;
  if (name === "filter") {
    command = { kind: "filter", expr: parseOr(c) };
  } else if (name === "parse") {
    const field = c.word();
    const glob = c.next();
    if (glob.kind !== "string") throw c.fail("only glob patterns in quotes are simulated for parse");
    c.expectWord("as");
    const names = commaSeparated(c, () => c.word());
    const literals = glob.text.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    if (literals.length - 1 !== names.length) {
      throw new AwsError(
        "MalformedQueryException",
        "the number of * in a parse pattern must equal the number of names",
      );
    }
    // Unanchored; each * but a final one matches as little as it can (CloudWatch Logs User Guide, parse).
    const source = literals.map((lit, i) =>
      i === 0 ? lit : (i === literals.length - 1 && lit === "" ? "(.*)" : "(.*?)") + lit,
    );
    command = { kind: "parse", field, pattern: new RegExp(source.join("")), names };
  } else if (name === "fields") {
    command = { kind: "fields", items: commaSeparated(c, () => parseFieldItem(c)) };
  } else if (name === "stats") {
    c.expectWord("count");
    c.expectSymbol("(");
    c.expectSymbol("*");
    c.expectSymbol(")");
    const countAs = c.optionalAs() ?? "count(*)";
    c.expectWord("by");
    command = { kind: "stats", countAs, by: commaSeparated(c, () => c.word()) };
  } else if (name === "sort") {
    const field = c.word();
    // Logs Insights would assume an order; the fake asks for one rather than guess which.
    const order = c.done() ? undefined : c.word();
    if (order !== "asc" && order !== "desc") throw c.fail("sort needs an explicit asc or desc");
    command = { kind: "sort", field, descending: order === "desc" };
  } else if (name === "limit") {
    const count = c.next();
    if (count.kind !== "number" || !Number.isInteger(count.value)) throw c.fail("limit needs a whole number");
    command = { kind: "limit", count: count.value };
  } else {
    throw c.fail(`the command ${name} is not simulated`);
  }
  c.end();
  return command;
}

function commaSeparated<T>(c: Cursor, item: () => T): T[] {
  const items = [item()];
  while (c.peekSymbol(",")) {
    c.next();
    items.push(item());
  }
  return items;
}

function parseFieldItem(c: Cursor): { name: string; parts: Operand[]; concat: boolean } {
  const first = c.word();
  let parts: Operand[] = [{ field: first }];
  const concat = first === "concat" && c.peekSymbol("(");
  if (concat) {
    c.next();
    parts = commaSeparated(c, () => {
      const t = c.next();
      if (t.kind === "word") return { field: t.text };
      if (t.kind === "string") return { literal: t.text };
      throw c.fail("concat takes field names and strings");
    });
    c.expectSymbol(")");
  } else if (c.peekSymbol("(")) {
    throw c.fail(`the function ${first} is not simulated`);
  }
  const name = c.optionalAs() ?? first;
  if (concat && name === first) throw c.fail("name the concat result with as");
  return { name, parts, concat };
}

function parseOr(c: Cursor): Expr {
  let left = parseAnd(c);
  while (c.peekWord("or")) {
    c.next();
    left = { kind: "or", left, right: parseAnd(c) };
  }
  return left;
}

function parseAnd(c: Cursor): Expr {
  let left = parseUnary(c);
  while (c.peekWord("and")) {
    c.next();
    left = { kind: "and", left, right: parseUnary(c) };
  }
  return left;
}

function parseUnary(c: Cursor): Expr {
  if (c.peekWord("not")) {
    c.next();
    return { kind: "not", expr: parseUnary(c) };
  }
  if (c.peekSymbol("(")) {
    c.next();
    const inner = parseOr(c);
    c.expectSymbol(")");
    return inner;
  }
  const field = c.word();
  if (field === "ispresent" && c.peekSymbol("(")) {
    c.next();
    const present = c.word();
    c.expectSymbol(")");
    return { kind: "ispresent", field: present };
  }
  if (c.peekSymbol("(")) throw c.fail(`the function ${field} is not simulated`);
  if (c.peekWord("like")) {
    c.next();
    const t = c.next();
    if (t.kind === "regex") return { kind: "like", field, pattern: new RegExp(t.source) };
    if (t.kind === "string") return { kind: "like", field, pattern: t.text };
    throw c.fail("like takes a /regular expression/ or a string");
  }
  const op = c.next();
  if (op.kind !== "symbol" || !["=", "!=", "<", ">", "<=", ">="].includes(op.text)) {
    throw c.fail(`expected a comparison after ${field}`);
  }
  const value = c.next();
  if (value.kind === "string") return { kind: "compare", field, op: op.text, value: value.text };
  if (value.kind === "number") return { kind: "compare", field, op: op.text, value: value.value };
  throw c.fail("only a field compared with a string or a number is simulated");
}

// --- Running a parsed query ---

/** Runs `commands` on rows the caller owns; `scanned` records matched unless a stats command counts them. */
function runCommands(commands: Command[], input: Row[], scanned = input.length): { rows: Row[]; matched: number } {
  let rows = input;
  let matched = scanned;
  for (const command of commands) {
    switch (command.kind) {
      case "filter":
        rows = rows.filter((row) => holds(command.expr, row));
        break;
      case "parse":
        for (const row of rows) {
          const source = row.get(command.field);
          const match = source === undefined ? null : command.pattern.exec(String(source));
          if (!match) continue;
          for (const [i, name] of command.names.entries()) row.set(name, match[i + 1]);
        }
        break;
      case "fields":
        for (const row of rows) for (const item of command.items) setField(row, item);
        break;
      case "stats":
        matched = rows.length;
        rows = countBy(rows, command.by, command.countAs);
        break;
      case "sort":
        rows = [...rows].sort((a, b) => compareValues(a.get(command.field), b.get(command.field), command.descending));
        break;
      case "limit":
        rows = rows.slice(0, command.count);
        break;
    }
  }
  return { rows, matched };
}

/** A comparison with a field the record lacks is false, so the record is filtered out. */
function holds(expr: Expr, row: Row): boolean {
  switch (expr.kind) {
    case "and":
      return holds(expr.left, row) && holds(expr.right, row);
    case "or":
      return holds(expr.left, row) || holds(expr.right, row);
    case "not":
      return !holds(expr.expr, row);
    case "ispresent":
      return row.has(expr.field);
    case "like": {
      const value = row.get(expr.field);
      if (value === undefined) return false;
      return typeof expr.pattern === "string" ? String(value).includes(expr.pattern) : expr.pattern.test(String(value));
    }
    case "compare": {
      const value = row.get(expr.field);
      if (value === undefined) return false;
      if (typeof expr.value === "string") {
        if (expr.op !== "=" && expr.op !== "!=") throw new Error(`the simulator's logs fake does not order strings`);
        return (String(value) === expr.value) === (expr.op === "=");
      }
      const n = Number(value);
      if (Number.isNaN(n)) return false;
      const order: Record<string, boolean> = {
        "=": n === expr.value,
        "!=": n !== expr.value,
        "<": n < expr.value,
        ">": n > expr.value,
        "<=": n <= expr.value,
        ">=": n >= expr.value,
      };
      return order[expr.op];
    }
  }
}

function setField(row: Row, item: { name: string; parts: Operand[]; concat: boolean }): void {
  const values = item.parts.map((part) => ("literal" in part ? part.literal : row.get(part.field)));
  if (values.some((v) => v === undefined)) return;
  row.set(item.name, item.concat ? values.join("") : (values[0] as Value));
}

/** One row per distinct combination of the `by` fields, with those fields and the count, in first-seen order. */
function countBy(rows: Row[], by: string[], countAs: string): Row[] {
  const groups = new Map<string, { row: Row; count: number }>();
  for (const row of rows) {
    const key = JSON.stringify(by.map((field) => row.get(field) ?? null));
    const group = groups.get(key);
    if (group) {
      group.count++;
    } else {
      const out: Row = new Map();
      for (const field of by) if (row.has(field)) out.set(field, row.get(field)!);
      groups.set(key, { row: out, count: 1 });
    }
  }
  return [...groups.values()].map(({ row, count }) => row.set(countAs, count));
}

function compareValues(a: Value | undefined, b: Value | undefined, descending: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const order = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  return descending ? -order : order;
}
