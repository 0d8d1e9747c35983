/**
 * Closed forms of the short corridor (Sutton & Barto, Example 13.1) with p = pi(right), the same in
 * every state: J(p) = (2p - 4) / (p (1 - p)), maximal at p* = 2 - sqrt(2) with J(p*) = -(6 + 4 sqrt(2)).
 * `shortCorridorSymbolic()` derives p* with mathjs: the derivative of J, its numerator as a polynomial
 * (`rationalize`), and that polynomial's root in (0, 1).
 */
// mathjs is required untyped and only when needed: its type declarations would add about a second
// to every notebook's import cell (tslab reads them), and loading it takes another half second.
interface MathNode {
  toString(): string;
  toTex(): string;
}
interface MathJs {
  parse(expr: string): MathNode;
  derivative(expr: MathNode, variable: string): MathNode;
  rationalize(expr: MathNode, scope: object, detailed: true): { numerator: MathNode; denominator: MathNode; coefficients: number[] };
  evaluate(expr: string, scope: Record<string, number>): unknown;
}
const mathjs = (): MathJs => require("mathjs") as MathJs;

/** J(p) for p in (0, 1). */
export function shortCorridorJ(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`shortCorridorJ: p must be in (0, 1) (p = 0 or 1 never reaches the goal); received ${p}.`);
  return (2 * p - 4) / (p * (1 - p));
}

/** The optimal probability of "right": 2 - sqrt(2). */
export const SHORT_CORRIDOR_P_STAR = 2 - Math.SQRT2;
/** The optimal value: -(6 + 4 sqrt(2)). */
export const SHORT_CORRIDOR_J_STAR = -(6 + 4 * Math.SQRT2);

export interface ShortCorridorSymbolic {
  /** J(p) as an expression. */
  J: string;
  /** dJ/dp as mathjs returns it. */
  dJdp: string;
  /** The numerator of dJ/dp as a polynomial in p (its zeros are the stationary points). */
  numerator: string;
  /** The numerator's coefficients, constant term first. */
  coefficients: number[];
  /** The zero of the numerator in (0, 1), and J there. */
  pStar: number;
  JStar: number;
  /** The same as LaTeX (mathjs' `toTex`), for display: J, dJ/dp as derived, and dJ/dp as one fraction of polynomials. */
  tex: { J: string; dJdp: string; numerator: string; rational: string };
}

/** p* and J(p*) derived symbolically with mathjs. */
export function shortCorridorSymbolic(): ShortCorridorSymbolic {
  const { derivative, evaluate: evaluateExpression, parse, rationalize } = mathjs();
  const J = parse("(2 * p - 4) / (p * (1 - p))");
  const dJ = derivative(J, "p");
  const rational = rationalize(dJ, {}, true);
  const [c0, c1, c2] = rational.coefficients;
  const disc = Math.sqrt(c1 * c1 - 4 * c2 * c0);
  const roots = [(-c1 - disc) / (2 * c2), (-c1 + disc) / (2 * c2)];
  const pStar = roots.find((r) => r > 0 && r < 1);
  if (pStar === undefined) throw new Error(`shortCorridorSymbolic: no stationary point in (0, 1); roots ${roots.join(", ")}.`);
  return {
    J: J.toString(),
    dJdp: dJ.toString(),
    numerator: rational.numerator.toString(),
    coefficients: [...rational.coefficients],
    pStar,
    JStar: evaluateExpression(J.toString(), { p: pStar }) as number,
    tex: {
      J: J.toTex(),
      dJdp: dJ.toTex(),
      numerator: rational.numerator.toTex(),
      rational: `\\frac{${rational.numerator.toTex()}}{${rational.denominator.toTex()}}`,
    },
  };
}
