import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./checks";
import { SIDES, type SideName, type StoredConfig, splitStoredConfig } from "./common";

/** The stack's config as the engine holds it, split into the namespaces we read. */
export function stackConfig(): StoredConfig {
  return splitStoredConfig(pulumi.runtime.allConfig());
}

/** Which side this stack deploys (`jit:side`), or a ConfigError that says what is allowed. */
export function sideOf(stored: StoredConfig): SideName {
  const side = stored.jit.side;
  if ((SIDES as readonly string[]).includes(side ?? "")) return side as SideName;
  throw new ConfigError([
    {
      key: "jit:side",
      rule: `must be one of ${SIDES.join(", ")} (got ${side === undefined ? "nothing" : JSON.stringify(side)})`,
    },
  ]);
}
