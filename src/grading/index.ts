/**
 * Classroom assignments: the checks that notebook cells call (`pg.grading.check.rewardToGo(rewardToGo)`)
 * and the verdicts the grader (`npm run grade`) computes from the same exercises.
 */
import { EXERCISES } from "./exercises";
import { type Verdict, exercise, formatVerdict, runCheck } from "./verdict";

export { EXERCISES } from "./exercises";
export type { Exercise, Mistake } from "./exercises";
export { casesOf, exercise, formatVerdict, judge, notRun, runCheck } from "./verdict";
export type { Failure, Outcome, Verdict } from "./verdict";
export { copyPlain, difference, format, toPlain } from "./values";
export { perEpisode } from "./seam";
export type { Plain } from "./values";
export { ANSWER_PROMPT, METADATA_KEY, checkedExercises, exerciseCode, joinText, parseNotebook, solutionRegions, sourceOf, studentVersion, submissionCode, toLines, writtenAnswers } from "./notebook";
export type { NotebookCell, NotebookJson, StudentVersion } from "./notebook";

/**
 * Self-checks for notebook cells, one per exercise: `check.rewardToGo(rewardToGo)` runs the function
 * on the exercise's fixed and seeded random inputs, prints the verdict (the points; for a failure the
 * input, the expected and the received value, and a hint) and returns nothing, so that a failing or
 * unfinished exercise never stops the notebook. The grade itself comes from `npm run grade`.
 */
export const check: { readonly [name: string]: (fn: unknown) => void } = new Proxy({} as { readonly [name: string]: (fn: unknown) => void }, {
  get(_target, name) {
    if (typeof name !== "string" || name in Object.prototype || name === "then" || name === "toJSON") return undefined;
    exercise(name); // a misspelt name: an error that lists the exercises
    return (fn: unknown) => {
      const v: Verdict = runCheck(name, fn);
      console.log(formatVerdict(v));
    };
  },
  ownKeys: () => Object.keys(EXERCISES),
  getOwnPropertyDescriptor: (_target, name) => (typeof name === "string" && name in EXERCISES ? { configurable: true, enumerable: true, writable: false, value: undefined } : undefined),
  has: (_target, name) => typeof name === "string" && name in EXERCISES,
  set: () => false,
});
