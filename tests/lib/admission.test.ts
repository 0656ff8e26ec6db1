import { describe, expect, it } from "vitest";
import { promoteWaiting, seatUnit, type AdmissionPolicy, type WaitingUnit } from "../../worker/lib/admission";

const floor = (leaders: number, followers: number, extra = 0) => ({ total: leaders + followers + extra, leaders, followers });
const single = (id: string, role: WaitingUnit["roles"][number]): WaitingUnit => ({ userIds: [id], roles: [role] });
const couple = (a: string, b: string): WaitingUnit => ({ userIds: [a, b], roles: ["leader", "follower"] });
const balanced = (tolerance: number, capacity: number | null = null): AdmissionPolicy => ({ capacity, tolerance });

describe("seatUnit", () => {
  it("admits anyone while there is room on an event without role balance", () => {
    expect(seatUnit({ capacity: 2, tolerance: null }, floor(0, 0, 1), single("a", null))).toEqual({ userIds: ["a"], sides: [null] });
    expect(seatUnit({ capacity: 2, tolerance: null }, floor(0, 0, 2), single("a", null))).toBeNull();
  });

  it("admits a leader while |leaders − followers| stays within the tolerance", () => {
    expect(seatUnit(balanced(1), floor(3, 3), single("a", "leader"))).toEqual({ userIds: ["a"], sides: ["leader"] });
    expect(seatUnit(balanced(1), floor(4, 3), single("a", "leader"))).toBeNull();
  });

  it("admits a dancer who brings a lopsided floor closer to balance even beyond the tolerance", () => {
    expect(seatUnit(balanced(1), floor(6, 2), single("f", "follower"))).toEqual({ userIds: ["f"], sides: ["follower"] });
  });

  it("seats a `both` dancer on the short side", () => {
    expect(seatUnit(balanced(0), floor(3, 2), single("b", "both"))).toEqual({ userIds: ["b"], sides: ["follower"] });
    expect(seatUnit(balanced(0), floor(2, 3), single("b", "both"))).toEqual({ userIds: ["b"], sides: ["leader"] });
  });

  it("admits a couple whenever there are two places, since it keeps the balance", () => {
    expect(seatUnit(balanced(0, 10), floor(4, 4), couple("l", "f"))).toEqual({ userIds: ["l", "f"], sides: ["leader", "follower"] });
    expect(seatUnit(balanced(0, 9), floor(4, 4), couple("l", "f"))).toBeNull();
  });
});

describe("promoteWaiting", () => {
  it("admits the first in line when a place opens, in order", () => {
    const admitted = promoteWaiting({ capacity: 3, tolerance: null }, floor(0, 0, 1), [single("a", null), single("b", null), single("c", null)]);
    expect(admitted.map((a) => a.userIds[0])).toEqual(["a", "b"]);
  });

  it("lets a follower in, then promotes the waiting leaders the follower made room for", () => {
    const admitted = promoteWaiting(balanced(1), floor(2, 1), [single("l1", "leader"), single("l2", "leader"), single("f1", "follower")]);
    // Alone, l1 would make it 3–1. f1 evens the floor to 2–2, which lets l1 in (3–2); l2 would make it 4–2.
    expect(admitted.map((a) => a.userIds[0])).toEqual(["f1", "l1"]);
  });

  it("never lets a later dancer of the same role overtake an earlier one", () => {
    const admitted = promoteWaiting(balanced(0), floor(0, 0), [single("l1", "leader"), single("f1", "follower"), single("l2", "leader"), single("f2", "follower")]);
    const order = admitted.map((a) => a.userIds[0]);
    expect(order.indexOf("l1")).toBeLessThan(order.indexOf("l2"));
    expect(order.indexOf("f1")).toBeLessThan(order.indexOf("f2"));
    expect(order).toHaveLength(4);
  });

  it("pairs a waiting leader with a waiting follower when tolerance 0 keeps each out alone", () => {
    const admitted = promoteWaiting(balanced(0, 10), floor(0, 0), [single("l1", "leader"), single("f1", "follower")]);
    expect(admitted).toEqual([
      { userIds: ["l1"], sides: ["leader"] },
      { userIds: ["f1"], sides: ["follower"] },
    ]);
  });

  it("pairs a waiting `both` dancer with a leader who arrives later, as follower", () => {
    const admitted = promoteWaiting(balanced(0, 10), floor(1, 1), [single("b", "both"), single("l", "leader")]);
    expect(admitted).toEqual([
      { userIds: ["b"], sides: ["follower"] },
      { userIds: ["l"], sides: ["leader"] },
    ]);
  });

  it("stops at capacity", () => {
    const admitted = promoteWaiting(balanced(2, 4), floor(1, 1), [couple("a", "b"), couple("c", "d")]);
    expect(admitted).toHaveLength(1);
  });

  it("admits nobody when nothing fits", () => {
    expect(promoteWaiting(balanced(0, 2), floor(1, 1), [single("x", "leader")])).toEqual([]);
  });
});
