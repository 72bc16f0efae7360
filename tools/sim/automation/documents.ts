/** The SSM documents each account and region holds, by name. */
import { AwsError } from "../aws";
import type { SsmDocumentRecord } from "./document";

export class DocumentRegistry {
  private readonly byKey = new Map<string, SsmDocumentRecord>();

  add(record: SsmDocumentRecord): void {
    this.byKey.set(key(record.account, record.region, record.name), record);
  }

  /** A document by name or ARN (`arn:aws:ssm:<region>:<account>:document/<name>` or `automation-definition/...`). */
  get(account: string, region: string, nameOrArn: string): SsmDocumentRecord {
    const arn = /^arn:[^:]+:ssm:([^:]+):(\d{12}):(?:document|automation-definition)\/([^:]+)(?::.*)?$/.exec(nameOrArn);
    const found = arn ? this.byKey.get(key(arn[2], arn[1], arn[3])) : this.byKey.get(key(account, region, nameOrArn));
    if (!found) throw new AwsError("InvalidDocument", `document ${nameOrArn} does not exist in ${account}/${region}`);
    return found;
  }

  all(): SsmDocumentRecord[] {
    return [...this.byKey.values()];
  }
}

const key = (account: string, region: string, name: string) => `${account}/${region}/${name}`;
