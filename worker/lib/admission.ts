/**
 * Who gets a place: capacity and role balance, as pure functions so the rules can be
 * read and tested apart from storage. The EventRegistrar Durable Object applies them one
 * change at a time per event, so they never race.
 */
export type DanceRole = "leader" | "follower" | "both";
export type Side = "leader" | "follower";

export interface AdmissionPolicy {
  capacity: number | null;
  /** |leaders − followers| may not exceed this; null: the event is not role-balanced. */
  tolerance: number | null;
}

export interface Floor {
  total: number;
  leaders: number;
  followers: number;
}

/** One dancer or one couple waiting in line; a couple is admitted or waits together. */
export interface WaitingUnit {
  userIds: string[];
  /** Asked-for roles, one per dancer (a couple is one leader and one follower). */
  roles: (DanceRole | null)[];
}

export interface Admission {
  userIds: string[];
  /** The side each dancer was seated on; null on events that are not role-balanced. */
  sides: (Side | null)[];
}

const imbalance = (floor: Pick<Floor, "leaders" | "followers">) => Math.abs(floor.leaders - floor.followers);

/**
 * Whether `unit` can join `floor`, and on which sides. On a balanced event a dancer is
 * admitted when the floor stays within the tolerance — or gets closer to balance, so a
 * floor left lopsided by cancellations fills its short side. `both` takes the short side.
 */
export function seatUnit(policy: AdmissionPolicy, floor: Floor, unit: WaitingUnit): Admission | null {
  if (policy.capacity !== null && floor.total + unit.userIds.length > policy.capacity) return null;
  if (policy.tolerance === null) return { userIds: unit.userIds, sides: unit.roles.map(() => null) };

  const options = sideOptions(unit.roles, floor);
  for (const sides of options) {
    const after = {
      leaders: floor.leaders + sides.filter((s) => s === "leader").length,
      followers: floor.followers + sides.filter((s) => s === "follower").length,
    };
    if (imbalance(after) <= policy.tolerance || imbalance(after) < imbalance(floor)) return { userIds: unit.userIds, sides };
  }
  return null;
}

/** Side assignments to try, best first: a `both` dancer fills the short side first. */
function sideOptions(roles: (DanceRole | null)[], floor: Floor): Side[][] {
  const shortFirst: Side[] = floor.leaders <= floor.followers ? ["leader", "follower"] : ["follower", "leader"];
  let options: Side[][] = [[]];
  for (const role of roles) {
    const choices: Side[] = role === "leader" ? ["leader"] : role === "follower" ? ["follower"] : shortFirst;
    options = options.flatMap((prefix) => choices.map((side) => [...prefix, side]));
  }
  return options;
}

function addToFloor(floor: Floor, admission: Admission): Floor {
  return {
    total: floor.total + admission.userIds.length,
    leaders: floor.leaders + admission.sides.filter((s) => s === "leader").length,
    followers: floor.followers + admission.sides.filter((s) => s === "follower").length,
  };
}

/**
 * Admits waiting dancers in line order while the rules allow: each pass admits the first
 * unit that fits, so within a role nobody is overtaken. When no single unit fits, the first
 * waiting leader and the first waiting follower may come in together as a pair (on a
 * balanced floor neither could come alone). Returns the admissions in the order made.
 */
export function promoteWaiting(policy: AdmissionPolicy, floor: Floor, waiting: readonly WaitingUnit[]): Admission[] {
  const queue = [...waiting];
  const admitted: Admission[] = [];
  let current = floor;
  for (;;) {
    const index = queue.findIndex((unit) => seatUnit(policy, current, unit) !== null);
    if (index >= 0) {
      const admission = seatUnit(policy, current, queue[index]!)!;
      admitted.push(admission);
      current = addToFloor(current, admission);
      queue.splice(index, 1);
      continue;
    }
    const pair = matchPair(policy, current, queue);
    if (!pair) return admitted;
    admitted.push(...pair.admissions);
    for (const admission of pair.admissions) current = addToFloor(current, admission);
    for (const i of pair.indexes.sort((a, b) => b - a)) queue.splice(i, 1);
  }
}

function matchPair(policy: AdmissionPolicy, floor: Floor, queue: WaitingUnit[]): { admissions: Admission[]; indexes: number[] } | null {
  if (policy.tolerance === null) return null;
  if (policy.capacity !== null && floor.total + 2 > policy.capacity) return null;
  // Together a leader and a follower leave the imbalance as it is: admit them only if that is within the rule.
  if (imbalance(floor) > policy.tolerance) return null;
  const canLead = (unit: WaitingUnit) => unit.roles[0] === "leader" || unit.roles[0] === "both";
  const canFollow = (unit: WaitingUnit) => unit.roles[0] === "follower" || unit.roles[0] === "both";
  // The earliest possible pair: the one whose later member stands furthest forward in line.
  for (let j = 1; j < queue.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [queue[i]!, queue[j]!];
      if (a.userIds.length !== 1 || b.userIds.length !== 1) continue;
      const sides: [Side, Side] | null = canLead(a) && canFollow(b) ? ["leader", "follower"] : canFollow(a) && canLead(b) ? ["follower", "leader"] : null;
      if (!sides) continue;
      return {
        admissions: [
          { userIds: a.userIds, sides: [sides[0]] },
          { userIds: b.userIds, sides: [sides[1]] },
        ],
        indexes: [i, j],
      };
    }
  }
  return null;
}
