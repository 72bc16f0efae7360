/**
 * One program, two sides: the stack's `jit:side` config chooses what it deploys (DESIGN.md §1). Config is read and
 * validated in full before any resource is declared.
 */

import { managementStack } from "./management";
import { requesterStack } from "./requester";
import { sideOf, stackConfig } from "./shared/config/load";
import { readManagementConfig } from "./shared/config/management";
import { readRequesterConfig } from "./shared/config/requester";

const stored = stackConfig();
const side = sideOf(stored);

function deploy() {
  switch (side) {
    case "management":
      return managementStack(readManagementConfig(stored));
    case "requester":
      return requesterStack(readRequesterConfig(stored));
  }
}

export = deploy();
