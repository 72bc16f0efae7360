/**
 * One program, two sides: the stack's `jit:side` config chooses what it deploys (DESIGN.md §1). Config is read and
 * validated in full before any resource is declared.
 */

import * as pulumi from "@pulumi/pulumi";
import { managementStack } from "./management";
import { requesterStack } from "./requester";
import { sideOf, stackConfig } from "./shared/config/load";
import { readManagementConfig } from "./shared/config/management";
import { readRequesterConfig } from "./shared/config/requester";
import { managementConfigWarnings } from "./shared/config/warnings";

/** The stack's program; Pulumi awaits it (the requester side reads the management stack's outputs first). */
export = async () => {
  const stored = stackConfig();
  switch (sideOf(stored)) {
    case "management": {
      const config = readManagementConfig(stored);
      for (const w of managementConfigWarnings(config)) pulumi.log.warn(`${w.key}: ${w.rule}`);
      return managementStack(config);
    }
    case "requester":
      return requesterStack(readRequesterConfig(stored));
  }
};
