/** The lines of a Markdown text outside its fenced code blocks: what renders as the text's own lines. */
export function linesOutsideFences(text: string): string[] {
  const out: string[] = [];
  let fence = "";
  for (const line of text.split("\n")) {
    if (fence) {
      if (line.trimEnd() === fence) fence = "";
    } else if (/^`{3,}/.test(line)) fence = /^`+/.exec(line)![0];
    else out.push(line);
  }
  return out;
}
