// Keyboard helpers shared by the Contacts page: a row of buttons that is one tab stop (arrow keys move
// along it, as WAI-ARIA's toolbar pattern asks), and focus that is put somewhere sensible when the
// element that had it left the page.
import { type RefObject, useEffect } from "react";

const moves: Record<string, (at: number, count: number) => number> = {
  ArrowRight: (at, count) => (at + 1) % count,
  ArrowDown: (at, count) => (at + 1) % count,
  ArrowLeft: (at, count) => (at - 1 + count) % count,
  ArrowUp: (at, count) => (at - 1 + count) % count,
  Home: () => 0,
  End: (_at, count) => count - 1,
};

/** Moves focus along the container's `selector` elements on an arrow key, Home or End; returns whether it did. */
export function arrowAlong(event: React.KeyboardEvent<HTMLElement>, selector: string): boolean {
  const move = moves[event.key];
  if (!move) return false;
  const all = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(selector));
  const at = all.indexOf(event.target as HTMLElement);
  if (at < 0) return false;
  event.preventDefault();
  all[move(at, all.length)]?.focus();
  return true;
}

/** Nothing has focus: the element that had it was removed (a view replaced by another). */
export const focusLost = () => !document.activeElement || document.activeElement === document.body;

/** On mount, focuses `target` if the element that had focus is gone, so Tab goes on from here. */
export function useFocusWhenLost(target: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (focusLost()) target.current?.focus();
  }, [target]);
}
