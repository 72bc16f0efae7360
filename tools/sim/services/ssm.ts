/**
 * The Systems Manager fake: Automation executions and signals (run by the engine), Change Manager change requests,
 * State Manager's CreateAssociation as Change Manager uses it to start a runbook, and the reads a client needs to
 * find a change template and follow its requests (ListDocuments, GetDocument, DescribeDocument,
 * DescribeAutomationExecutions), UpdateDocument, and the tags of executions (AddTagsToResource, ListTagsForResource).
 * Documents have versions (../automation/documents.ts).
 * Parameter Store APIs go to their own fake.
 */

import { stringify } from "yaml";
import { parseDocument, type SsmDocumentRecord } from "../automation/document";
import type { DocumentRegistry } from "../automation/documents";
import type { AutomationEngine } from "../automation/engine";
import { describeExecution, type Execution } from "../automation/execution";
import { resolveParameters } from "../automation/values";
import { type ApiInput, AwsError, type Caller, errors, requireString, type ServiceFake, unsupported } from "../aws";
import type { AwsBehaviour } from "../variants";
import type { ChangeManager } from "./changeManager";
import { type PagingRules, page } from "./pagination";

const EXECUTION_ID = /^[a-zA-Z0-9-]{36}$/;
// ListDocuments and DescribeAutomationExecutions: MaxResults 1 to 50; a token they did not issue is InvalidNextToken.
const PAGING: PagingRules = {
  maxResults: 50,
  invalidToken: () => new AwsError("InvalidNextToken", "The specified token isn't valid."),
};

/**
 * "Automations can have a maximum of 5 tags" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AddTagsToResource.html);
 * more is TooManyTagsError ("The Targets parameter includes too many tags", same page, Errors).
 */
const MAX_AUTOMATION_TAGS = 5;

/**
 * A call's Tags, as a map: a tag's key is 1 to 128 and its value 0 to 256 characters of letters, spaces, digits and
 * _.:/=+-@ (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Tag.html). StartAutomationExecution
 * and StartChangeRequestExecution take at most 5 (their Tags, "You can specify a maximum of five tags").
 */
function tagsOf(input: ApiInput): Map<string, string> {
  const given = input.Tags ?? [];
  if (!Array.isArray(given)) throw errors.validation("Tags", "must be a list of tags");
  const tags = new Map<string, string>();
  for (const tag of given as { Key?: unknown; Value?: unknown }[]) {
    if (typeof tag?.Key !== "string" || !TAG_KEY.test(tag.Key)) throw errors.validation("Tags.Key", TAG_KEY.source);
    if (typeof tag.Value !== "string" || !TAG_VALUE.test(tag.Value)) {
      throw errors.validation("Tags.Value", TAG_VALUE.source);
    }
    tags.set(tag.Key, tag.Value);
  }
  if (tags.size > MAX_AUTOMATION_TAGS) {
    throw new AwsError("TooManyTagsError", `an automation can have at most ${MAX_AUTOMATION_TAGS} tags`);
  }
  return tags;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export class SsmFake implements ServiceFake {
  readonly service = "ssm";
  /** Each execution's tags, by execution id (GetAutomationExecution does not return them: ListTagsForResource does). */
  private readonly executionTags = new Map<string, Map<string, string>>();

  constructor(
    private readonly engine: AutomationEngine,
    private readonly documents: DocumentRegistry,
    private readonly changeManager: ChangeManager,
    private readonly parameterStore: ServiceFake,
    private readonly parameterApis: ReadonlySet<string>,
    private readonly behaviour: () => AwsBehaviour,
  ) {}

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (this.parameterApis.has(api)) return this.parameterStore.call(api, input, caller);
    switch (api) {
      case "StartAutomationExecution": {
        const document = this.startable(input, caller);
        if (document.documentType !== "Automation") {
          throw new AwsError("InvalidAutomationExecutionParametersException", `${document.name} is a change template`);
        }
        const tags = tagsOf(input);
        const x = this.engine.start(document, (input.Parameters ?? {}) as Record<string, unknown>, caller);
        this.executionTags.set(x.id, tags);
        return { AutomationExecutionId: x.id };
      }
      case "GetAutomationExecution":
        return { AutomationExecution: this.describe(this.executionOf(input, caller)) };
      case "SendAutomationSignal": {
        const id = this.executionOf(input, caller).id;
        const comment = (input.Payload as { Comment?: string[] } | undefined)?.Comment?.[0];
        this.engine.signal(id, requireString(input, "SignalType"), caller, comment);
        return {};
      }
      case "StopAutomationExecution": {
        const id = this.executionOf(input, caller).id;
        const type = input.Type ?? "Cancel";
        if (type !== "Cancel" && type !== "Complete") throw errors.validation("Type", "must be Cancel or Complete");
        if (type === "Complete") this.engine.stopComplete(id);
        else this.engine.stop(id);
        return {};
      }
      case "StartChangeRequestExecution": {
        const tags = tagsOf(input);
        const id = this.changeManager.start(input, caller).id;
        this.executionTags.set(id, tags);
        return { AutomationExecutionId: id };
      }
      case "AddTagsToResource": {
        const tags = this.taggedExecution(input, caller);
        const added = tagsOf(input);
        const merged = new Map([...tags, ...added]);
        if (merged.size > MAX_AUTOMATION_TAGS) {
          throw new AwsError("TooManyTagsError", `an automation can have at most ${MAX_AUTOMATION_TAGS} tags`);
        }
        for (const [key, value] of added) tags.set(key, value);
        return {};
      }
      case "ListTagsForResource":
        return { TagList: [...this.taggedExecution(input, caller)].map(([Key, Value]) => ({ Key, Value })) };
      case "CreateAssociation": {
        // Change Manager starts each approved runbook through an association; its parameters are checked here.
        const document = this.documents.get(caller.account, caller.region, requireString(input, "Name"));
        try {
          resolveParameters(
            document.content,
            (input.Parameters ?? {}) as Record<string, unknown>,
            this.engine.patternSemantics,
          );
        } catch (err) {
          throw new AwsError("InvalidParameters", err instanceof Error ? err.message : String(err));
        }
        return {
          AssociationDescription: { Name: document.name, AssociationId: this.changeManager.newAssociationId() },
        };
      }
      case "ListDocuments":
        return this.listDocuments(input, caller);
      case "GetDocument":
        return this.getDocument(input, caller);
      case "DescribeDocument":
        return this.describeDocument(input, caller);
      case "UpdateDocument":
        return this.updateDocument(input, caller);
      case "DescribeAutomationExecutions":
        return this.describeAutomationExecutions(input, caller);
      case "DescribeAutomationStepExecutions":
        return this.describeAutomationStepExecutions(input, caller);
      default:
        return unsupported(this.service, api);
    }
  }

  /**
   * The tags of the execution AddTagsToResource or ListTagsForResource names: ResourceType "Automation" and the
   * execution's id (API_AddTagsToResource, ResourceId "Automation: example-c160-4567-8519-012345abcde"), in the
   * caller's account and Region. An id no execution has is InvalidResourceId (API_AddTagsToResource, Errors). The
   * fake keeps no other resource type's tags.
   */
  private taggedExecution(input: ApiInput, caller: Caller): Map<string, string> {
    const type = requireString(input, "ResourceType");
    if (type !== "Automation") return unsupported(this.service, `tags of ${type} resources`);
    const id = requireString(input, "ResourceId");
    let x: Execution;
    try {
      x = this.executionOf({ AutomationExecutionId: id }, caller);
    } catch {
      throw new AwsError("InvalidResourceId", `${id} is not an automation execution of this account`);
    }
    const tags = this.executionTags.get(x.id) ?? new Map<string, string>();
    this.executionTags.set(x.id, tags);
    return tags;
  }

  /**
   * The document StartAutomationExecution runs: DocumentVersion's version, else the default one (API_StartAutomationExecution
   * DocumentVersion, "The version of the Automation runbook to use for this execution"; API_AutomationExecution
   * DocumentVersion records it). A version the document does not have is AutomationDefinitionVersionNotFoundException
   * ("An Automation runbook with the specified name and version couldn't be found", API_StartAutomationExecution).
   */
  private startable(input: ApiInput, caller: Caller) {
    const name = requireString(input, "DocumentName");
    const version = input.DocumentVersion === undefined ? undefined : requireString(input, "DocumentVersion");
    try {
      return this.documents.get(caller.account, caller.region, name, version);
    } catch (err) {
      if (!(err instanceof AwsError) || err.code !== "InvalidDocumentVersion") throw err;
      throw new AwsError("AutomationDefinitionVersionNotFoundException", `${name} has no version ${version}`);
    }
  }

  /**
   * The execution `AutomationExecutionId` names, in the caller's account and Region only: an execution is a resource
   * of one account and Region (`arn:${Partition}:ssm:${Region}:${Account}:automation-execution/${Id}`, Service
   * Authorization Reference, "Actions, resources, and condition keys for AWS Systems Manager"; Systems Manager's
   * endpoints are Regional, AWS General Reference "AWS Systems Manager endpoints and quotas"). Elsewhere it is not
   * found, as an id that does not exist (API_GetAutomationExecution: AutomationExecutionNotFoundException).
   */
  private executionOf(input: ApiInput, caller: Caller): Execution {
    const id = requireString(input, "AutomationExecutionId", EXECUTION_ID);
    const x = this.engine.get(id);
    if (x.document.account !== caller.account || x.document.region !== caller.region) {
      throw new AwsError("AutomationExecutionNotFoundException", `execution ${id} does not exist`);
    }
    return x;
  }

  /**
   * GetAutomationExecution's view of an execution. Step outputs are lists of strings on the wire (StepExecution
   * Outputs is an AutomationParameterMap, string to list of strings, in the API model), so a map an output holds is
   * shown as its JSON text. Whether a Change Manager runbook names its change request is the runbookParentLink
   * dimension (../variants.ts): the API documents ParentAutomationExecutionId only as "the AutomationExecutionId of
   * the parent automation".
   */
  private describe(x: Execution): Record<string, unknown> {
    const described = describeExecution(x) as { StepExecutions: { Outputs?: Record<string, unknown[]> }[] };
    for (const step of described.StepExecutions) {
      if (!step.Outputs) continue;
      step.Outputs = Object.fromEntries(
        Object.entries(step.Outputs).map(([k, v]) => [
          k,
          v.map((i) => (typeof i === "string" ? i : JSON.stringify(i))),
        ]),
      );
    }
    const { ParentAutomationExecutionId, ...rest } = described as Record<string, unknown>;
    const parent = this.behaviour().runbookParentLink === "recorded" ? { ParentAutomationExecutionId } : {};
    return { ...rest, ...(ParentAutomationExecutionId !== undefined && parent) };
  }

  // ListDocuments: several keys must all match, several values of a key any one; `tag:<key>` filters by a tag and
  // Name by prefix (API_ListDocuments, API_DocumentKeyValuesFilter).
  private listDocuments(input: ApiInput, caller: Caller): unknown {
    if (input.DocumentFilterList !== undefined) unsupported(this.service, "ListDocuments DocumentFilterList");
    const filters = readFilters(input, 6);
    // "This API operation only supports filtering documents by using a single tag key" (API_ListDocuments).
    if (filters.filter((f) => f.Key.startsWith("tag:")).length > 1) {
      unsupported(this.service, "ListDocuments with more than one tag key");
    }
    for (const f of filters) {
      if (!f.Key.startsWith("tag:") && !DOCUMENT_FILTER_KEYS.has(f.Key)) {
        throw new AwsError("InvalidFilterKey", `${f.Key} is not a valid filter key`);
      }
    }
    const documents = this.documents
      .all()
      .filter((d) => d.account === caller.account && d.region === caller.region)
      .filter((d) => filters.every((f) => f.Values.some((v) => documentMatches(d, f.Key, v))))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { items, next } = page(documents, input, PAGING);
    return { DocumentIdentifiers: items.map(documentIdentifier), ...(next && { NextToken: next }) };
  }

  // GetDocument returns the content as JSON unless DocumentFormat asks for YAML (API_GetDocument: "JSON is the
  // default format"), of DocumentVersion's version or the default one.
  private getDocument(input: ApiInput, caller: Caller): unknown {
    const document = this.versionAsked(input, caller, "GetDocument");
    const format = input.DocumentFormat ?? "JSON";
    if (format === "TEXT") unsupported(this.service, "GetDocument DocumentFormat TEXT");
    if (format !== "JSON" && format !== "YAML") throw errors.validation("DocumentFormat", "must be JSON, YAML or TEXT");
    return {
      Name: document.name,
      DocumentVersion: document.version,
      Status: "Active",
      Content: format === "JSON" ? JSON.stringify(document.content) : stringify(document.content),
      DocumentType: document.documentType,
      DocumentFormat: format,
    };
  }

  // DescribeDocument: DocumentVersion's version, else the default one ("Can be a specific version or the default
  // version"), with the document's DefaultVersion and LatestVersion (API_DescribeDocument, API_DocumentDescription).
  private describeDocument(input: ApiInput, caller: Caller): unknown {
    const document = this.versionAsked(input, caller, "DescribeDocument");
    const { defaultVersion, latestVersion } = this.documents.versionsInfo(document);
    return {
      Document: {
        ...documentIdentifier(document),
        DocumentVersion: document.version,
        DefaultVersion: defaultVersion,
        LatestVersion: latestVersion,
        Status: "Active",
      },
    };
  }

  /**
   * UpdateDocument: the content becomes the document's next version; the default version stays where it was until
   * UpdateDocumentDefaultVersion moves it (API_UpdateDocument, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateDocument.html).
   * DocumentVersion, if given, must name the latest version ("Currently, Systems Manager supports updating only the
   * latest version of the document. You can specify the version number of the latest version or use the $LATEST
   * variable"); content equal to the latest version's is DuplicateDocumentContent.
   */
  private updateDocument(input: ApiInput, caller: Caller): unknown {
    const name = requireString(input, "Name");
    const latest = this.documents.get(caller.account, caller.region, name, "$LATEST");
    if (input.DocumentVersion !== undefined) {
      const asked = requireString(input, "DocumentVersion");
      if (asked !== "$LATEST" && asked !== latest.version) {
        throw new AwsError(
          "InvalidDocumentVersion",
          `${name}: only the latest version, ${latest.version}, can be updated`,
        );
      }
    }
    let content: SsmDocumentRecord["content"];
    try {
      content = parseDocument(requireString(input, "Content"));
    } catch (err) {
      throw new AwsError("InvalidDocumentContent", err instanceof Error ? err.message : String(err));
    }
    if (JSON.stringify(content) === JSON.stringify(latest.content)) {
      throw new AwsError("DuplicateDocumentContent", `${name}: the content is that of version ${latest.version}`);
    }
    const updated = this.documents.update(caller.account, caller.region, name, content);
    const { defaultVersion, latestVersion } = this.documents.versionsInfo(updated);
    return {
      DocumentDescription: {
        ...documentIdentifier(updated),
        DocumentVersion: updated.version,
        DefaultVersion: defaultVersion,
        LatestVersion: latestVersion,
      },
    };
  }

  private versionAsked(input: ApiInput, caller: Caller, api: string) {
    if (input.VersionName !== undefined) unsupported(this.service, `${api} VersionName`);
    const version = input.DocumentVersion === undefined ? undefined : requireString(input, "DocumentVersion");
    return this.documents.get(caller.account, caller.region, requireString(input, "Name"), version);
  }

  // DescribeAutomationExecutions: the executions of the caller's account and Region, each filter narrowing the
  // result and any of its values matching (API_DescribeAutomationExecutions, API_AutomationExecutionFilter). The
  // reference gives no order; the fake lists newest first.
  private describeAutomationExecutions(input: ApiInput, caller: Caller): unknown {
    const filters = readFilters(input, 10);
    for (const f of filters) {
      if (!EXECUTION_FILTER_KEYS.has(f.Key)) throw errors.validation("Filters.Key", `${f.Key} is not a valid key`);
      if (f.Values.length === 0 || f.Values.length > 10) throw errors.validation("Filters.Values", "1 to 10 values");
      if (f.Values.some((v) => v.length === 0 || v.length > 150)) {
        throw errors.validation("Filters.Values", "each value is 1 to 150 characters");
      }
    }
    const executions = [...this.engine.executions.values()]
      .filter((x) => x.document.account === caller.account && x.document.region === caller.region)
      .filter((x) => filters.every((f) => f.Values.some((v) => this.executionMatches(x, f.Key, v))))
      .sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const { items, next } = page(executions, input, PAGING);
    return { AutomationExecutionMetadataList: items.map(executionMetadata), ...(next && { NextToken: next }) };
  }

  // DescribeAutomationStepExecutions: the steps an execution of the caller's account and Region ran, each filter
  // narrowing and any of its values matching (API_DescribeAutomationStepExecutions, API_StepExecutionFilter); the
  // fake supports the StepName and StepExecutionStatus keys.
  private describeAutomationStepExecutions(input: ApiInput, caller: Caller): unknown {
    const x = this.engine.get(requireString(input, "AutomationExecutionId", EXECUTION_ID));
    if (x.document.account !== caller.account || x.document.region !== caller.region) {
      throw new AwsError("AutomationExecutionNotFoundException", `execution ${x.id} does not exist`);
    }
    const filters = readFilters(input, 6);
    const steps = x.steps.filter((st) =>
      filters.every((f) => {
        if (f.Key === "StepName") return f.Values.includes(st.StepName);
        if (f.Key === "StepExecutionStatus")
          return f.Values.map((v) => v.toLowerCase()).includes(st.StepStatus.toLowerCase());
        return unsupported(this.service, `DescribeAutomationStepExecutions filter ${f.Key}`);
      }),
    );
    if (input.ReverseOrder === true) steps.reverse();
    const { items, next } = page(steps, input, PAGING);
    return { StepExecutions: items.map((st) => ({ ...st })), ...(next && { NextToken: next }) };
  }

  private executionMatches(x: Execution, key: string, value: string): boolean {
    switch (key) {
      case "DocumentNamePrefix":
        return x.document.name.startsWith(value);
      case "ExecutionId":
        return x.id === value;
      // The executions another started: a change request's runbook (API_AutomationExecutionFilter, ParentExecutionId).
      // Where the runbook does not name its change request (runbookParentLink `absent`), the link is not there to filter
      // on either.
      case "ParentExecutionId":
        return this.behaviour().runbookParentLink === "recorded" && x.parentId === value;
      case "ExecutionStatus":
        if (!EXECUTION_STATUSES.has(value)) throw new AwsError("InvalidFilterValue", `${value} is not a status`);
        return x.status === value;
      case "CurrentAction":
        return currentAction(x) === value;
      case "AutomationType":
        if (value !== "Local" && value !== "CrossAccount") {
          throw new AwsError("InvalidFilterValue", `${value} is not an automation type`);
        }
        return value === "Local";
      case "AutomationSubtype":
        if (value !== "ChangeRequest" && value !== "AccessRequest") {
          throw new AwsError("InvalidFilterValue", `${value} is not an automation subtype`);
        }
        return value === "ChangeRequest" && x.changeRequest !== undefined;
      case "OpsItemId":
        return x.changeRequest?.opsItemId === value;
      case "StartTimeBefore":
      case "StartTimeAfter": {
        const time = Date.parse(value);
        if (Number.isNaN(time)) throw new AwsError("InvalidFilterValue", `${value} is not a time`);
        return key === "StartTimeBefore" ? x.startTime.getTime() < time : x.startTime.getTime() > time;
      }
      default:
        return unsupported(this.service, `DescribeAutomationExecutions filter ${key}`);
    }
  }
}

interface KeyValuesFilter {
  Key: string;
  Values: string[];
}

/** The AWS-provided keys of a ListDocuments filter besides `tag:<key>` (API_DocumentKeyValuesFilter). */
const DOCUMENT_FILTER_KEYS: ReadonlySet<string> = new Set([
  "DocumentType",
  "Name",
  "Owner",
  "PlatformTypes",
  "TargetType",
]);

/** AutomationExecutionFilter's Key values (API_AutomationExecutionFilter). */
const EXECUTION_FILTER_KEYS: ReadonlySet<string> = new Set([
  "DocumentNamePrefix",
  "ExecutionStatus",
  "ExecutionId",
  "ParentExecutionId",
  "CurrentAction",
  "StartTimeBefore",
  "StartTimeAfter",
  "AutomationType",
  "TagKey",
  "TargetResourceGroup",
  "AutomationSubtype",
  "OpsItemId",
]);

/** AutomationExecutionStatus values (API_AutomationExecutionMetadata). */
const EXECUTION_STATUSES: ReadonlySet<string> = new Set([
  "Pending",
  "InProgress",
  "Waiting",
  "Success",
  "TimedOut",
  "Cancelling",
  "Cancelled",
  "Failed",
  "PendingApproval",
  "Approved",
  "Rejected",
  "Scheduled",
  "RunbookInProgress",
  "PendingChangeCalendarOverride",
  "ChangeCalendarOverrideApproved",
  "ChangeCalendarOverrideRejected",
  "CompletedWithSuccess",
  "CompletedWithFailure",
  "Exited",
]);

function readFilters(input: ApiInput, max: number): KeyValuesFilter[] {
  const filters = input.Filters ?? [];
  if (!Array.isArray(filters) || filters.length > max) throw errors.validation("Filters", `at most ${max} filters`);
  return filters.map((f: Partial<KeyValuesFilter>) => {
    if (typeof f?.Key !== "string" || !Array.isArray(f.Values) || f.Values.some((v) => typeof v !== "string")) {
      throw errors.validation("Filters", "each filter has a Key and a list of string Values");
    }
    return { Key: f.Key, Values: f.Values };
  });
}

function documentMatches(d: SsmDocumentRecord, key: string, value: string): boolean {
  if (key.startsWith("tag:")) return d.tags[key.slice(4)] === value;
  switch (key) {
    case "DocumentType":
      return d.documentType === value;
    case "Name":
      return d.name.startsWith(value);
    case "Owner":
      // Every simulated document belongs to the account that holds it.
      if (value === "Self" || value === "Private") return true;
      if (value === "Amazon" || value === "Public" || value === "ThirdParty") return false;
      return unsupported("ssm", `ListDocuments Owner ${value}`);
    default:
      return unsupported("ssm", `ListDocuments filter ${key}`);
  }
}

/** A DocumentIdentifier (API_DocumentIdentifier) of a version; every planned document is YAML. */
function documentIdentifier(d: SsmDocumentRecord): Record<string, unknown> {
  return {
    Name: d.name,
    Owner: d.account,
    DocumentVersion: d.version,
    DocumentType: d.documentType,
    SchemaVersion: d.content.schemaVersion,
    DocumentFormat: "YAML",
    Tags: Object.entries(d.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

function currentAction(x: Execution): string | undefined {
  return x.currentStep === undefined ? undefined : x.content.mainSteps.find((s) => s.name === x.currentStep)?.action;
}

/** AutomationExecutionMetadata: what GetAutomationExecution shows, less the steps and parameters. */
function executionMetadata(x: Execution): Record<string, unknown> {
  const { StepExecutions, StepExecutionsTruncated, Parameters, ...rest } = describeExecution(x);
  return { ...rest, AutomationType: "Local", CurrentAction: currentAction(x) };
}
