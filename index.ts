/**
 * One program, two sides: the stack's `jit:side` config chooses what it deploys (DESIGN.md §1). Config is read and
 * validated in full before any resource is declared.
 */

import { managementStack } from "./management";
import { sideOf, stackConfig } from "./shared/config/load";
import { readManagementConfig } from "./shared/config/management";

const stored = stackConfig();
const side = sideOf(stored);

function deploy() {
  switch (side) {
    case "management":
      return managementStack(readManagementConfig(stored));
    case "requester":
      throw new Error("the requester side is not part of this program yet");
  }
}

export = deploy();
