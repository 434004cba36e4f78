// The audit log (admins only): every audited contact write, filtered by user, book, surface and date,
// exported as CSV.
import { useCallback, useEffect, useState } from "react";
import { Button, Field, Input, Select, Subtitle1, Text, tokens } from "@fluentui/react-components";
import { messageOf, type AuditEntry, type AuditQuery } from "../api";
import { useSession } from "../session";
import { NoteBar, type Note } from "./parts";

const surfaces = ["", "web", "outlook-addin", "rest", "import", "ldap-import", "carddav", "syncml", "admin-cli"];

/** RFC 4180 CSV: every field quoted, quotes doubled. */
export function auditCsv(entries: AuditEntry[]): string {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const rows = entries.map((e) =>
    [e.at, e.user, e.surface, e.book, e.uid, e.op, e.fields.join(" ")].map(quote).join(","),
  );
  return ["at,user,surface,book,uid,op,fields", ...rows].join("\r\n") + "\r\n";
}

export function AuditPage() {
  const { call } = useSession();
  const [query, setQuery] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [note, setNote] = useState<Note>();
  const load = useCallback(
    async (from?: string) => {
      try {
        const page = await call((api) => api.audit(dated(query), from));
        setEntries((old) => (from ? [...(old ?? []), ...page.entries] : page.entries));
        setCursor(page.cursor);
      } catch (failure) {
        setNote({ intent: "error", text: messageOf(failure) });
      }
    },
    [call, query],
  );
  useEffect(() => {
    load();
  }, [load]);
  const set = (key: keyof AuditQuery, value: string) => setQuery((q) => ({ ...q, [key]: value || undefined }));
  const download = () => {
    const url = URL.createObjectURL(new Blob([auditCsv(entries ?? [])], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "concord-audit.csv";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section aria-label="Audit log" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Audit log</Subtitle1>
      <NoteBar note={note} />
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}>
        <Field label="User">
          <Input value={query.user ?? ""} onChange={(_e, d) => set("user", d.value.trim())} />
        </Field>
        <Field label="Book">
          <Input value={query.book ?? ""} onChange={(_e, d) => set("book", d.value.trim())} />
        </Field>
        <Field label="Surface">
          <Select value={query.surface ?? ""} onChange={(_e, d) => set("surface", d.value)}>
            {surfaces.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="From (date)">
          <Input type="date" value={query.since ?? ""} onChange={(_e, d) => set("since", d.value)} />
        </Field>
        <Field label="Until (date)">
          <Input type="date" value={query.until ?? ""} onChange={(_e, d) => set("until", d.value)} />
        </Field>
        <Button onClick={download} disabled={!entries?.length}>
          Export as CSV
        </Button>
      </div>
      <table style={{ borderCollapse: "collapse", width: "100%" }}>
        <thead>
          <tr>
            {["When", "User", "Surface", "Book", "Contact", "Change", "Fields"].map((h) => (
              <th key={h} style={{ textAlign: "left", padding: 4 }}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries?.map((e, i) => (
            <tr key={i} style={{ borderTop: `1px solid ${tokens.colorNeutralStroke3}` }}>
              <td style={{ padding: 4 }}>{new Date(e.at).toLocaleString("en")}</td>
              <td style={{ padding: 4 }}>{e.user}</td>
              <td style={{ padding: 4 }}>{e.surface}</td>
              <td style={{ padding: 4 }}>{e.book}</td>
              <td style={{ padding: 4 }}>{e.uid}</td>
              <td style={{ padding: 4 }}>{e.op}</td>
              <td style={{ padding: 4 }}>{e.fields.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries?.length === 0 && <Text>No contact writes match.</Text>}
      {cursor && <Button onClick={() => load(cursor)}>Show older entries</Button>}
    </section>
  );
}

/** The date filters as whole days: "until" a date includes that day. */
function dated(query: AuditQuery): AuditQuery {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    ...query,
    since: query.since ? `${query.since}T00:00:00Z` : undefined,
    until: query.until ? nextDay(query.until) : undefined,
  };
}
