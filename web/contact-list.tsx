// A book's contacts as a virtualized list: only the rows on screen are in the page, pages of the
// server's search (sorted by name or by company) load as the list scrolls, and typing in "Search" or
// choosing a category asks the server again. The A–Z jump asks the server for the list from that
// letter on (`from`), so it costs one page however far down the letter is.
import { useCallback, useEffect, useRef, useState } from "react";
import { Button, Caption1, Checkbox, Field, Input, Select, Spinner, Text, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Link } from "react-router";
import { messageOf, type ContactSort, type StoredContact } from "./api";
import { useSession } from "./session";
import { plural, shownName } from "./words";

const ROW = 48;
const PAGE = 200;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

type Listing = { rows: StoredContact[]; cursor: string | null; loading: boolean; error?: string };

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

  // The search is sent 100 ms after the last key, not on every key: a typist pauses longer between
  // words than between letters, and the answer must be on screen within 300 ms of the last key.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), 100);
    return () => clearTimeout(timer);
  }, [text]);

  // One page at a time: a call while a page is loading gets that page's promise.
  const loadMore = useCallback(
    (fresh = false): Promise<Listing> => {
      const from: Listing = fresh ? { rows: [], cursor: null, loading: true } : live.current;
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
          const next = { rows: [...from.rows, ...page.contacts], cursor: page.cursor, loading: false };
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
    loadMore(true);
  }, [loadMore, version]);

  const virtualizer = useVirtualizer({
    count: listing.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 10,
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

  const whole = !query && !category.trim() && !jumpedTo;
  const caption = () => {
    if (listing.error) return listing.error;
    if (listing.loading && listing.rows.length === 0) return "Loading…";
    const order = sort === "company" ? "by company" : "by name";
    const start = jumpedTo ? `, from ${jumpedTo}` : "";
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
          {LETTERS.map((letter) => (
            <Button
              key={letter}
              size="small"
              appearance="subtle"
              style={{ minWidth: 24, padding: 0 }}
              aria-label={`Jump to ${letter}`}
              aria-pressed={jumpedTo === letter}
              onClick={() => setJumpedTo(letter)}
            >
              {letter}
            </Button>
          ))}
          {jumpedTo && (
            <Button size="small" appearance="subtle" onClick={() => setJumpedTo(undefined)}>
              Back to the top
            </Button>
          )}
        </nav>
        <Caption1 aria-live="polite">{caption()}</Caption1>
      </div>
      <div ref={scroller} style={{ flex: 1, overflowY: "auto", minHeight: 0 }} data-testid="contact-scroller">
        <ul
          aria-label="Contact list"
          style={{ height: virtualizer.getTotalSize(), position: "relative", margin: 0, padding: 0, listStyle: "none" }}
        >
          {items.map((item) => {
            const row = listing.rows[item.index];
            const isSelected = row.uid === selected;
            return (
              <li
                key={row.uid}
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <div style={{ display: "flex", alignItems: "center", height: ROW }}>
                  <Checkbox
                    aria-label={`Select ${shownName(row.contact)}`}
                    checked={ticked.has(row.uid)}
                    onChange={(_e, d) => onTick(row, Boolean(d.checked))}
                  />
                  <Link
                    to={`/books/${encodeURIComponent(book)}/contacts/${encodeURIComponent(row.uid)}`}
                    aria-current={isSelected ? "page" : undefined}
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
