/**
 * An animation of SVG frames (e.g. an episode rendered by `env.render()`) with play/pause and a time
 * slider, as plain HTML and JavaScript: it plays in JupyterLab (trusted output), the classic
 * Notebook, VS Code and the exported book, offline. Where its script does not run (a notebook
 * opened from disk, whose HTML Jupyter sanitises) it shows the first frame as a picture (an <img>
 * with a data: URL, which the sanitiser keeps; inline SVG it removes) and a note to re-run the
 * cell; the controls appear only once the script runs.
 */
import { NOTE_CLASS, displayBundle, escapeHtml, scriptJson } from "./display";

export interface AnimationOptions {
  title: string;
  /** Frames per second when playing (default 30). */
  fps?: number;
  /** Optional caption per frame, e.g. "t = 12, return = 12". */
  captions?: string[];
}

let animationCount = 0;

/** The HTML of an animation. */
export function animationHtml(frames: string[], opts: AnimationOptions): string {
  if (!Array.isArray(frames) || frames.length === 0 || frames.some((f) => typeof f !== "string")) {
    throw new TypeError(`animation: expected a non-empty list of SVG strings; received ${Array.isArray(frames) ? `${frames.length} frames` : typeof frames}.`);
  }
  if (typeof opts?.title !== "string" || opts.title.trim() === "") throw new TypeError(`animation: option "title" is required; received ${JSON.stringify(opts?.title)}.`);
  const fps = opts.fps ?? 30;
  if (!(fps > 0 && fps <= 240)) throw new RangeError(`animation: fps must be in (0, 240]; received ${fps}.`);
  if (opts.captions && opts.captions.length !== frames.length) {
    throw new RangeError(`animation: ${opts.captions.length} captions for ${frames.length} frames; expected one per frame.`);
  }
  const id = `pglab-anim-${process.pid}-${Date.now().toString(36)}-${++animationCount}`;
  const data = scriptJson({ frames, captions: opts.captions ?? null, fps });
  const picture = `data:image/svg+xml;base64,${Buffer.from(withSvgNamespace(frames[0]), "utf8").toString("base64")}`;
  return (
    `<div id="${id}" class="pglab-animation" style="font-family:Helvetica,Arial,sans-serif">` +
    `<div style="font-weight:bold;margin:4px 0">${escapeHtml(opts.title)}</div>` +
    `<div class="frame"><img alt="first frame of the animation" src="${picture}"/></div>` +
    `<div class="${NOTE_CLASS}" style="font-size:13px;color:#555;padding:4px 0">First frame only: the animation's script did not run ` +
    `(Jupyter runs no scripts in a notebook opened from disk). Re-run the cell to play it.</div>` +
    `<div class="controls" style="display:none;align-items:center;gap:8px;margin-top:4px">` +
    `<button class="play" type="button" style="min-width:64px">Play</button>` +
    `<input class="slider" type="range" min="0" max="${frames.length - 1}" value="0" step="1" style="flex:1" aria-label="time step"/>` +
    `<span class="label" style="font-family:monospace;min-width:150px"></span></div></div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var d = ${data};\n` +
    `  var root = document.getElementById(${JSON.stringify(id)}); if (!root) return;\n` +
    `  var frame = root.querySelector(".frame"), slider = root.querySelector(".slider"), label = root.querySelector(".label"), button = root.querySelector(".play");\n` +
    `  var note = root.querySelector(".${NOTE_CLASS}"); if (note) note.parentNode.removeChild(note);\n` +
    `  root.querySelector(".controls").style.display = "flex";\n` +
    `  var i = 0, timer = null;\n` +
    `  function draw(k) { i = k; frame.innerHTML = d.frames[k]; slider.value = k; label.textContent = d.captions ? d.captions[k] : ("frame " + (k + 1) + " / " + d.frames.length); }\n` +
    `  function stop() { if (timer) { clearInterval(timer); timer = null; } button.textContent = "Play"; }\n` +
    `  function play() { if (i >= d.frames.length - 1) draw(0); button.textContent = "Pause"; timer = setInterval(function () { if (i >= d.frames.length - 1) { stop(); return; } draw(i + 1); }, 1000 / d.fps); }\n` +
    `  button.addEventListener("click", function () { if (timer) stop(); else play(); });\n` +
    `  slider.addEventListener("input", function () { stop(); draw(parseInt(slider.value, 10)); });\n` +
    `  draw(0);\n` +
    `})();</script>`
  );
}

/** An SVG document usable as an image: it needs the SVG namespace. */
function withSvgNamespace(svg: string): string {
  return /^\s*<svg\b[^>]*\bxmlns=/.test(svg) ? svg : svg.replace(/^\s*<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
}

/** Show an animation inline (outside a notebook, prints a one-line summary). */
export function showAnimation(frames: string[], opts: AnimationOptions): void {
  const html = animationHtml(frames, opts);
  if (!displayBundle({ "text/html": html, "text/plain": `[animation] ${opts.title} (${frames.length} frames)` })) {
    console.log(`[animation] ${opts.title} (${frames.length} frames)`);
  }
}
