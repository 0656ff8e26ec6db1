import { describe, expect, it } from "vitest";
import { distanceKm, nearest } from "../../worker/lib/geo";

const buenosAires = { latitude: -34.6037, longitude: -58.3816 };
const montevideo = { latitude: -34.9011, longitude: -56.1645 };

describe("geo", () => {
  it("measures Buenos Aires to Montevideo across the Río de la Plata", () => {
    expect(distanceKm(buenosAires, montevideo)).toBeGreaterThan(195);
    expect(distanceKm(buenosAires, montevideo)).toBeLessThan(210);
  });

  it("is zero from a place to itself and symmetric", () => {
    expect(distanceKm(buenosAires, buenosAires)).toBe(0);
    expect(distanceKm(buenosAires, montevideo)).toBeCloseTo(distanceKm(montevideo, buenosAires), 9);
  });

  it("finds the nearest place within range, or none", () => {
    const places = [
      { name: "ba", ...buenosAires },
      { name: "mvd", ...montevideo },
    ];
    expect(nearest({ latitude: -34.8, longitude: -56.3 }, places, 150)?.name).toBe("mvd");
    expect(nearest({ latitude: 0, longitude: 0 }, places, 150)).toBeUndefined();
  });

  it("handles the antimeridian", () => {
    expect(distanceKm({ latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 })).toBeLessThan(120);
  });
});
