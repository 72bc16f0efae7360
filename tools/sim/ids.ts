/** Deterministic identifiers for the simulator: the same scenario always yields the same ids. */
import { createHash } from "node:crypto";

export class Ids {
  private counter = 0;

  constructor(private readonly seed = "sim") {}

  /** Lowercase hex of `length` characters. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) {
      out += createHash("sha256")
        .update(`${this.seed}/${this.counter++}`)
        .digest("hex");
    }
    return out.slice(0, length);
  }

  /** A UUID-shaped id (8-4-4-4-12), like Automation execution ids and Identity Center request ids. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
