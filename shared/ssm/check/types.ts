/** The checker's public types (re-exported by index.ts). */
export interface Finding {
  severity: "error" | "warning";
  rule: string;
  step?: string;
  message: string;
}

export interface ApiMatcher {
  service: string;
  api: string;
}

export interface Guard {
  grant: ApiMatcher;
  revoke: ApiMatcher;
}

export interface CheckOptions {
  /** Grant/revoke pairs: every path after a grant step must reach a revoke step before the execution ends. */
  guards?: readonly Guard[];
}

export type DocumentType = "Automation" | "Automation.ChangeTemplate";
