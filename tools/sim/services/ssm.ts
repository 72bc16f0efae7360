/**
 * The Systems Manager fake: Automation executions and signals (run by the engine), Change Manager change requests,
 * and State Manager's CreateAssociation as Change Manager uses it to start a runbook. Parameter Store APIs go to
 * their own fake.
 */

import type { DocumentRegistry } from "../automation/documents";
import type { AutomationEngine } from "../automation/engine";
import { describeExecution } from "../automation/execution";
import { resolveParameters } from "../automation/values";
import { type ApiInput, AwsError, type Caller, requireString, type ServiceFake, unsupported } from "../aws";
import type { ChangeManager } from "./changeManager";

const EXECUTION_ID = /^[a-zA-Z0-9-]{36}$/;

export class SsmFake implements ServiceFake {
  readonly service = "ssm";

  constructor(
    private readonly engine: AutomationEngine,
    private readonly documents: DocumentRegistry,
    private readonly changeManager: ChangeManager,
    private readonly parameterStore: ServiceFake,
    private readonly parameterApis: ReadonlySet<string>,
  ) {}

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (this.parameterApis.has(api)) return this.parameterStore.call(api, input, caller);
    switch (api) {
      case "StartAutomationExecution": {
        const document = this.documents.get(caller.account, caller.region, requireString(input, "DocumentName"));
        if (document.documentType !== "Automation") {
          throw new AwsError("InvalidAutomationExecutionParametersException", `${document.name} is a change template`);
        }
        const x = this.engine.start(document, (input.Parameters ?? {}) as Record<string, unknown>, caller);
        return { AutomationExecutionId: x.id };
      }
      case "GetAutomationExecution":
        return {
          AutomationExecution: describeExecution(
            this.engine.get(requireString(input, "AutomationExecutionId", EXECUTION_ID)),
          ),
        };
      case "SendAutomationSignal": {
        const id = requireString(input, "AutomationExecutionId", EXECUTION_ID);
        const comment = (input.Payload as { Comment?: string[] } | undefined)?.Comment?.[0];
        this.engine.signal(id, requireString(input, "SignalType"), caller, comment);
        return {};
      }
      case "StopAutomationExecution":
        if ((input.Type ?? "Cancel") !== "Cancel")
          unsupported(this.service, `StopAutomationExecution Type ${input.Type}`);
        this.engine.stop(requireString(input, "AutomationExecutionId", EXECUTION_ID));
        return {};
      case "StartChangeRequestExecution":
        return { AutomationExecutionId: this.changeManager.start(input, caller).id };
      case "CreateAssociation": {
        // Change Manager starts each approved runbook through an association; its parameters are checked here.
        const document = this.documents.get(caller.account, caller.region, requireString(input, "Name"));
        try {
          resolveParameters(document.content, (input.Parameters ?? {}) as Record<string, unknown>);
        } catch (err) {
          throw new AwsError("InvalidParameters", err instanceof Error ? err.message : String(err));
        }
        return {
          AssociationDescription: { Name: document.name, AssociationId: this.changeManager.newAssociationId() },
        };
      }
      default:
        return unsupported(this.service, api);
    }
  }
}
