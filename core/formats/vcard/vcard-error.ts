// A vCard the parser refuses. `line` is 1-based in the text as given, so the
// server can answer 400 and name the line.
export class VCardError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "VCardError";
  }
}
