/**
 * The SSM documents each account and region holds, by name, with their versions. A new document is version 1 and its
 * default; UpdateDocument adds the next version and leaves the default where it was, until
 * UpdateDocumentDefaultVersion moves it (API_UpdateDocument, API_UpdateDocumentDefaultVersion; API_DescribeDocument
 * gives both DefaultVersion and LatestVersion). A request without a version uses the default one (`$DEFAULT`;
 * `$LATEST` names the newest: API_GetDocument DocumentVersion).
 */
import { AwsError } from "../aws";
import type { DocumentContent, SsmDocumentRecord } from "./document";

interface Versions {
  /** Version n is at index n - 1. */
  records: SsmDocumentRecord[];
  defaultVersion: number;
}

export class DocumentRegistry {
  private readonly byKey = new Map<string, Versions>();

  /** Creates the document at version 1 (its default), or replaces every version of one of that name. */
  add(record: SsmDocumentRecord): void {
    this.byKey.set(key(record.account, record.region, record.name), {
      records: [{ ...record, version: "1" }],
      defaultVersion: 1,
    });
  }

  /** UpdateDocument: `content` becomes the next version; the default version stays. */
  update(account: string, region: string, name: string, content: DocumentContent): SsmDocumentRecord {
    const versions = this.versionsOf(account, region, name);
    const latest = versions.records[versions.records.length - 1];
    const record = { ...latest, content, version: String(versions.records.length + 1) };
    versions.records.push(record);
    return record;
  }

  /** UpdateDocumentDefaultVersion. */
  setDefaultVersion(account: string, region: string, name: string, version: string): void {
    const versions = this.versionsOf(account, region, name);
    versions.defaultVersion = Number(this.at(versions, name, version).version);
  }

  /**
   * A document by name or ARN (`arn:aws:ssm:<region>:<account>:document/<name>` or `automation-definition/...`), at
   * `version`: a version number, `$DEFAULT` or `$LATEST`; the default version if none is given.
   */
  get(account: string, region: string, nameOrArn: string, version?: string): SsmDocumentRecord {
    const arn = /^arn:[^:]+:ssm:([^:]+):(\d{12}):(?:document|automation-definition)\/([^:]+)(?::.*)?$/.exec(nameOrArn);
    const [where, name] = arn ? [{ account: arn[2], region: arn[1] }, arn[3]] : [{ account, region }, nameOrArn];
    return this.at(this.versionsOf(where.account, where.region, name), name, version);
  }

  /** The default and latest version of a document. */
  versionsInfo(record: SsmDocumentRecord): { defaultVersion: string; latestVersion: string } {
    const versions = this.versionsOf(record.account, record.region, record.name);
    return { defaultVersion: String(versions.defaultVersion), latestVersion: String(versions.records.length) };
  }

  /** Every document, at its default version. */
  all(): SsmDocumentRecord[] {
    return [...this.byKey.values()].map((v) => v.records[v.defaultVersion - 1]);
  }

  private versionsOf(account: string, region: string, name: string): Versions {
    const found = this.byKey.get(key(account, region, name));
    if (!found) throw new AwsError("InvalidDocument", `document ${name} does not exist in ${account}/${region}`);
    return found;
  }

  private at(versions: Versions, name: string, version = "$DEFAULT"): SsmDocumentRecord {
    const n =
      version === "$DEFAULT"
        ? versions.defaultVersion
        : version === "$LATEST"
          ? versions.records.length
          : /^[1-9][0-9]*$/.test(version)
            ? Number(version)
            : 0;
    const record = versions.records[n - 1];
    if (!record) throw new AwsError("InvalidDocumentVersion", `${name} has no version ${version}`);
    return record;
  }
}

const key = (account: string, region: string, name: string) => `${account}/${region}/${name}`;
