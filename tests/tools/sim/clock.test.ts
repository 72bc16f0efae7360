import * as assert from "node:assert/strict";
import { VirtualClock } from "../../../tools/sim/clock";

describe("the virtual clock's keep-alive", () => {
  const recurring = (clock: VirtualClock, everyMs: number, fired: number[]) => {
    const tick = () => {
      fired.push(clock.now());
      clock.at(clock.now() + everyMs, tick, true);
    };
    clock.at(clock.now() + everyMs, tick, true);
  };

  it("ends with only background timers left when nothing keeps it alive", async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    recurring(clock, 300_000, fired);
    await clock.run();
    assert.deepEqual(fired, []);
  });

  it("runs background timers while the keep-alive says so, and asks only when it would stop", async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    recurring(clock, 300_000, fired);
    let asked = 0;
    clock.keepAlive = async () => {
      asked++;
      return clock.now() < 900_000;
    };
    clock.at(60_000, () => undefined);
    await clock.run();
    assert.deepEqual(fired, [300_000, 600_000, 900_000]);
    assert.equal(asked, 4);
  });

  it("is not asked when the run has an end", async () => {
    const clock = new VirtualClock(0);
    clock.keepAlive = async () => assert.fail("asked");
    clock.at(1_000, () => undefined, true);
    await clock.run(5_000);
    assert.equal(clock.now(), 5_000);
  });
});
