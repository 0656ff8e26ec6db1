import { describe, expect, it } from "vitest";
import { ftsMatchExpression, MAX_TERM_LENGTH, MAX_TERMS, searchTerms } from "../../worker/lib/fts-query";

describe("ftsMatchExpression", () => {
  it("makes every word a quoted prefix term", () => {
    expect(ftsMatchExpression("milonga tango")).toBe('"milonga"* "tango"*');
  });

  it("keeps case and accents for the tokenizer to fold", () => {
    expect(ftsMatchExpression("Canción")).toBe('"Canción"*');
  });

  it("composes decomposed accents so a word stays one word", () => {
    expect(ftsMatchExpression("cancio\u0301n")).toBe('"canción"*');
  });

  it("searches the word of a hashtag and a mention", () => {
    expect(ftsMatchExpression("#tango @ana_garcia")).toBe('"tango"* "ana"* "garcia"*');
  });

  it.each([
    ['"milonga', '"milonga"*'],
    ["mil*", '"mil"*'],
    ["-milonga", '"milonga"*'],
    ["bio:x", '"bio"* "x"*'],
    ["{handle bio}:ana", '"handle"* "bio"* "ana"*'],
    ["^milonga", '"milonga"*'],
    ["(milonga OR tango)", '"milonga"* "OR"* "tango"*'],
    ["NEAR(a b, 2)", '"NEAR"* "a"* "b"* "2"*'],
    ["NOT AND", '"NOT"* "AND"*'],
    ["' OR 1=1 --", '"OR"* "1"*'],
    ["a+b", '"a"* "b"*'],
  ])("turns FTS5 syntax %j into plain words", (input, expected) => {
    expect(ftsMatchExpression(input)).toBe(expected);
  });

  it.each([[""], ["   "], ["💃🕺"], ["\ud83d"], ["\udc83"], ["!?*\"()"], ["\u0301"], ["\u0000"]])("has nothing to search in %j", (input) => {
    expect(ftsMatchExpression(input)).toBeNull();
  });

  it("drops lone surrogates and emoji around words", () => {
    expect(ftsMatchExpression("\ud83dmilonga💃tango\udc83")).toBe('"milonga"* "tango"*');
  });

  it("never lets a double quote through", () => {
    const hostile = '"a"" "b"*" OR "c';
    const expression = ftsMatchExpression(hostile)!;
    expect(expression).toBe('"a"* "b"* "OR"* "c"*');
  });

  it("keeps other scripts", () => {
    expect(ftsMatchExpression("танго タンゴ")).toBe('"танго"* "タンゴ"*');
  });
});

describe("searchTerms", () => {
  it(`keeps at most ${MAX_TERMS} words`, () => {
    expect(searchTerms(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "))).toHaveLength(MAX_TERMS);
  });

  it("drops repeated words, whatever their case or accents", () => {
    expect(searchTerms("Canción cancion CANCIÓN tango")).toEqual(["Canción", "tango"]);
  });

  it(`cuts very long words to ${MAX_TERM_LENGTH} characters`, () => {
    expect(searchTerms("m".repeat(10_000))).toEqual(["m".repeat(MAX_TERM_LENGTH)]);
  });

  it("handles 10,000 characters of mixed junk quickly", () => {
    const junk = Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 9000))).join("");
    const started = performance.now();
    expect(searchTerms(junk).length).toBeLessThanOrEqual(MAX_TERMS);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
