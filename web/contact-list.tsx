// A book's contacts as a virtualized list: only the rows on screen are in the page, pages of the
// server's search (sorted by name or by company) load as the list scrolls, and typing in "Search" or
// choosing a category asks the server again. The A–Z jump asks the server for the list from that
// letter on (`from`), so it costs one page however far down the letter is; scrolling up past its
// first row (or Up on it) loads the letters before it, one letter at a time (the server pages only
// forwards: each letter is read from its start up to the row the list starts with).
// Keyboard: the letters are one tab stop (arrow keys move along them), and so is the list: Up, Down,
// Page Up, Page Down, Home and End move between rows (scrolling and loading as needed), Left and
// Right between a row's checkbox and its name; Enter opens the contact, Space ticks the checkbox.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { Button, Caption1, Checkbox, Field, Input, Select, Spinner, Text, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Link } from "react-router";
import { MAX_PAGE } from "../core/api/schemas";
import { messageOf, type ContactSort, type StoredContact } from "./api";
import { arrowAlong } from "./keyboard";
import { useSession } from "./session";
import { plural, shownName } from "./words";

const ROW = 48;
const PAGE = 200;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

type Listing = {
  rows: StoredContact[];
  cursor: string | null;
  loading: boolean;
  error?: string;
  /** The letter the loaded rows start at after a jump; absent once they start at the list's top. */
  head?: string;
  /** Loading the rows before `head`. */
  earlier?: boolean;
};
type Page = { contacts: StoredContact[]; cursor: string | null };

/** The letter before `letter`, or undefined for the list's top (what sorts before A comes first). */
const letterBefore = (letter: string): string | undefined => LETTERS[LETTERS.indexOf(letter) - 1];

/** The rows from `from` (the top when undefined) up to the row `until` (the end when it is not met). */
async function rowsBefore(
  read: (from: string | undefined, cursor?: string) => Promise<Page>,
  from: string | undefined,
  until: string | undefined,
): Promise<StoredContact[]> {
  const rows: StoredContact[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(from, cursor);
    const stop = page.contacts.findIndex((c) => c.uid === until);
    if (stop >= 0) return [...rows, ...page.contacts.slice(0, stop)];
    rows.push(...page.contacts);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return rows;
}

/** A cell of the list: the row (its index in the loaded rows) and its checkbox (0) or name (1). */
type Cell = { index: number; cell: 0 | 1 };

/** Where a key moves the list's focus from `at`, if it moves it. */
function keyTarget(key: string, at: Cell, last: number, pageRows: number): Cell | undefined {
  const { index, cell } = at;
  if (key === "ArrowDown") return { index: index + 1, cell };
  if (key === "ArrowUp") return { index: index - 1, cell };
  if (key === "PageDown") return { index: index + pageRows, cell };
  if (key === "PageUp") return { index: index - pageRows, cell };
  if (key === "Home") return { index: 0, cell };
  if (key === "End") return { index: last, cell };
  if (key === "ArrowLeft") return { index, cell: 0 };
  if (key === "ArrowRight") return { index, cell: 1 };
  return undefined;
}

type Props = {
  book: string;
  /** The book's live contacts, from the book list. */
  count?: number;
  /** The open contact's uid. */
  selected?: string;
  version: number;
  /** The ticked contacts, for the selection bar. */
  ticked: Map<string, StoredContact>;
  onTick(row: StoredContact, on: boolean): void;
};

export function ContactList({ book, count, selected, version, ticked, onTick }: Props) {
  const { call } = useSession();
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState("");
  const [sort, setSort] = useState<ContactSort>("name");
  /** The letter the list was jumped to: it starts there. */
  const [jumpedTo, setJumpedTo] = useState<string>();
  const [listing, setListing] = useState<Listing>({ rows: [], cursor: null, loading: true });
  const live = useRef(listing);
  live.current = listing;
  const generation = useRef(0);
  const inflight = useRef<Promise<Listing>>(undefined);
  const scroller = useRef<HTMLDivElement>(null);
  /** The list's one tab stop, moved by the arrow keys; `focusing` while it waits for its row to render. */
  const [active, setActive] = useState<Cell>({ index: 0, cell: 1 });
  const focusing = useRef(false);
  /** Pixels to scroll down by once rows were put above the ones on screen, so those stay put. */
  const shiftBy = useRef(0);
  /** A new list waits to be scrolled to its start (past the "earlier" row after a jump). */
  const placePending = useRef(false);
  /** Where the list was last scrolled to: only a scroll upwards (the user's) loads the rows before. */
  const lastTop = useRef(0);
  /** The letter that is the A–Z jump's tab stop. */
  const [letterStop, setLetterStop] = useState("A");

  // The search is sent 100 ms after the last key, not on every key: a typist pauses longer between
  // words than between letters, and the answer must be on screen within 300 ms of the last key.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), 100);
    return () => clearTimeout(timer);
  }, [text]);

  // One page at a time: a call while a page is loading gets that page's promise.
  const loadMore = useCallback(
    (fresh = false): Promise<Listing> => {
      const from: Listing = fresh ? { rows: [], cursor: null, loading: true, head: jumpedTo } : live.current;
      if (!fresh && from.loading) return inflight.current ?? Promise.resolve(from);
      if (!fresh && !from.cursor) return Promise.resolve(from);
      const mine = fresh ? ++generation.current : generation.current;
      setListing((l) => (fresh ? from : { ...l, loading: true }));
      live.current = { ...from, loading: true };
      const work = (async () => {
        try {
          const page = await call((api) =>
            api.searchContacts(book, {
              q: query || undefined,
              category: category.trim() || undefined,
              sort,
              from: jumpedTo,
              cursor: from.cursor ?? undefined,
              limit: PAGE,
            }),
          );
          if (mine !== generation.current) return live.current;
          // Rows loaded above meanwhile are kept: they are in live.current, not in `from`.
          const base = fresh ? from : live.current;
          const next = { ...base, rows: [...base.rows, ...page.contacts], cursor: page.cursor, loading: false };
          live.current = next;
          setListing(next);
          return next;
        } catch (error) {
          const failed = { ...from, loading: false, cursor: null, error: messageOf(error) };
          if (mine === generation.current) {
            live.current = failed;
            setListing(failed);
          }
          return failed;
        }
      })();
      inflight.current = work;
      return work;
    },
    [book, query, category, sort, jumpedTo, call],
  );

  useEffect(() => {
    void version;
    setActive({ index: 0, cell: 1 });
    placePending.current = true;
    loadMore(true);
  }, [loadMore, version]);

  // The letters before the list's first one, until one has rows (or the top is reached).
  const loadEarlier = useCallback(async () => {
    const at = live.current;
    if (at.head === undefined || at.loading || at.earlier) return;
    const mine = generation.current;
    const update = (next: Listing) => {
      if (mine !== generation.current) return;
      live.current = next;
      setListing(next);
    };
    update({ ...at, earlier: true });
    const read = (from: string | undefined, cursor?: string) =>
      call((api) =>
        api.searchContacts(book, {
          q: query || undefined,
          category: category.trim() || undefined,
          sort,
          from,
          cursor,
          limit: MAX_PAGE,
        }),
      );
    try {
      let head: string | undefined = at.head;
      let found: StoredContact[] = [];
      while (head !== undefined && found.length === 0) {
        head = letterBefore(head);
        found = await rowsBefore(read, head, at.rows[0]?.uid);
      }
      if (mine !== generation.current) return;
      const have = new Set(live.current.rows.map((r) => r.uid));
      const above = found.filter((r) => !have.has(r.uid));
      shiftBy.current += above.length * ROW - (head === undefined ? ROW : 0);
      setActive((a) => ({ ...a, index: a.index + above.length }));
      if (scroller.current?.contains(document.activeElement)) focusing.current = true;
      update({ ...live.current, rows: [...above, ...live.current.rows], head, earlier: false });
    } catch (error) {
      update({ ...live.current, earlier: false, error: messageOf(error) });
    }
  }, [book, query, category, sort, call]);

  /** Above the rows after a jump: one row's height that loads the letters before when scrolled into. */
  const earlierHeight = listing.head === undefined ? 0 : ROW;
  const virtualizer = useVirtualizer({
    count: listing.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 10,
    scrollMargin: earlierHeight,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= listing.rows.length - 20 && listing.cursor && !listing.loading) loadMore();
  }, [last, listing, loadMore]);

  // A new list (a jump, a search, another order) starts at its top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolled when the list is asked again
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [loadMore]);
  // Its first page on screen: a jumped list starts at its letter, the "earlier" row just above, out of
  // sight; rows put above keep the ones on screen in place.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (placePending.current && !listing.loading) {
      placePending.current = false;
      element.scrollTop = earlierHeight;
      lastTop.current = element.scrollTop;
    }
    if (shiftBy.current) {
      element.scrollTop += shiftBy.current;
      shiftBy.current = 0;
      lastTop.current = element.scrollTop;
    }
  });
  const scrolledToEarlier = () => (scroller.current?.scrollTop ?? ROW) < ROW / 2;
  const onScroll = () => {
    const top = scroller.current?.scrollTop ?? 0;
    const upwards = top < lastTop.current;
    lastTop.current = top;
    if (upwards && !placePending.current && scrolledToEarlier()) void loadEarlier();
  };

  // The cell the keys moved to gets focus once its row is rendered (the list scrolls to it first).
  useEffect(() => {
    if (!focusing.current) return;
    const cell = scroller.current?.querySelector<HTMLElement>(
      `[data-index="${active.index}"] [data-cell="${active.cell}"]`,
    );
    if (!cell) return;
    focusing.current = false;
    cell.focus();
  });

  const moveTo = (index: number, cell: 0 | 1) => {
    const last = listing.rows.length - 1;
    const to = Math.max(0, Math.min(index, last));
    setActive({ index: to, cell });
    focusing.current = true;
    virtualizer.scrollToIndex(to, { align: "auto" });
  };
  const onListKeys = (event: React.KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW) / ROW) - 1);
    const to = keyTarget(event.key, active, listing.rows.length - 1, pageRows);
    if (!to) return;
    event.preventDefault();
    if (to.index < 0) void loadEarlier();
    moveTo(to.index, to.cell);
  };
  // The tab stop is the active cell while its row is rendered, else the first row on screen.
  const stopRow = items.some((i) => i.index === active.index) ? active.index : items[0]?.index;

  const whole = !query && !category.trim() && !jumpedTo;
  const caption = () => {
    if (listing.error) return listing.error;
    if (listing.loading && listing.rows.length === 0) return "Loading…";
    const order = sort === "company" ? "by company" : "by name";
    const start = listing.head ? `, from ${listing.head}` : "";
    if (whole && count !== undefined) return `${plural(count, "contact")}, ${order}`;
    return `${plural(listing.rows.length, "contact")}${listing.cursor ? " so far, more as you scroll" : ""}${start}, ${order}`;
  };

  return (
    <section aria-label="Contacts" style={{ display: "flex", flexDirection: "column", minHeight: 0, height: "100%" }}>
      <div style={{ display: "grid", gap: 8, padding: 8 }}>
        <Field label="Search">
          <Input type="search" value={text} onChange={(_e, d) => setText(d.value)} />
        </Field>
        <Field label="Category">
          <Input value={category} placeholder="All categories" onChange={(_e, d) => setCategory(d.value)} />
        </Field>
        <Field label="Sort by">
          <Select value={sort} onChange={(_e, d) => setSort(d.value as ContactSort)}>
            <option value="name">Name</option>
            <option value="company">Company</option>
          </Select>
        </Field>
        <nav aria-label="Jump to letter" style={{ display: "flex", flexWrap: "wrap", gap: 2 }}>
          <div
            role="toolbar"
            aria-label="Letters"
            style={{ display: "contents" }}
            onKeyDown={(event) => arrowAlong(event, "button")}
          >
            {LETTERS.map((letter) => (
              <Button
                key={letter}
                size="small"
                appearance="subtle"
                style={{ minWidth: 24, padding: 0 }}
                aria-label={`Jump to ${letter}`}
                aria-pressed={jumpedTo === letter}
                tabIndex={letter === letterStop ? 0 : -1}
                onFocus={() => setLetterStop(letter)}
                onClick={() => setJumpedTo(letter)}
              >
                {letter}
              </Button>
            ))}
          </div>
          {jumpedTo && (
            <Button size="small" appearance="subtle" onClick={() => setJumpedTo(undefined)}>
              Back to the top
            </Button>
          )}
        </nav>
        <Caption1 aria-live="polite">{caption()}</Caption1>
      </div>
      <div
        ref={scroller}
        style={{ flex: 1, overflowY: "auto", minHeight: 0 }}
        data-testid="contact-scroller"
        onScroll={onScroll}
        // A list shorter than its box does not scroll: a wheel turned up at the top asks too.
        onWheel={(event) => event.deltaY < 0 && scrolledToEarlier() && loadEarlier()}
      >
        {listing.head !== undefined && (
          <div
            style={{ height: ROW, display: "flex", alignItems: "center", padding: "0 8px", boxSizing: "border-box" }}
          >
            {listing.earlier ? (
              <Spinner size="tiny" label="Loading the contacts before…" />
            ) : (
              // Not a tab stop: Up on the list's first row does the same.
              <Button size="small" appearance="subtle" tabIndex={-1} onClick={loadEarlier}>
                Show the contacts before {listing.head}
              </Button>
            )}
          </div>
        )}
        <ul
          aria-label="Contact list"
          id="contact-list"
          onKeyDown={onListKeys}
          style={{ height: virtualizer.getTotalSize(), position: "relative", margin: 0, padding: 0, listStyle: "none" }}
        >
          {items.map((item) => {
            const row = listing.rows[item.index];
            const isSelected = row.uid === selected;
            const tabStop = (cell: 0 | 1) => (item.index === stopRow && cell === active.cell ? 0 : -1);
            return (
              <li
                key={row.uid}
                data-index={item.index}
                onFocus={(event) => setActive({ index: item.index, cell: event.target.dataset.cell === "0" ? 0 : 1 })}
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${item.start - earlierHeight}px)`,
                }}
              >
                <div style={{ display: "flex", alignItems: "center", height: ROW }}>
                  <Checkbox
                    aria-label={`Select ${shownName(row.contact)}`}
                    checked={ticked.has(row.uid)}
                    data-cell="0"
                    tabIndex={tabStop(0)}
                    onChange={(_e, d) => onTick(row, Boolean(d.checked))}
                  />
                  <Link
                    to={`/books/${encodeURIComponent(book)}/contacts/${encodeURIComponent(row.uid)}`}
                    aria-current={isSelected ? "page" : undefined}
                    data-cell="1"
                    tabIndex={tabStop(1)}
                    style={{
                      display: "grid",
                      height: ROW,
                      padding: "4px 8px",
                      boxSizing: "border-box",
                      textDecoration: "none",
                      color: tokens.colorNeutralForeground1,
                      background: isSelected ? tokens.colorNeutralBackground1Selected : undefined,
                      borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
                      flex: 1,
                      minWidth: 0,
                    }}
                  >
                    <Text truncate wrap={false}>
                      {shownName(row.contact)}
                    </Text>
                    <Caption1 truncate wrap={false}>
                      {row.contact.company || row.contact.emails[0]?.address || "\u00a0"}
                    </Caption1>
                  </Link>
                </div>
              </li>
            );
          })}
        </ul>
        {listing.loading && listing.rows.length > 0 && <Spinner size="tiny" label="Loading more…" />}
      </div>
    </section>
  );
}
