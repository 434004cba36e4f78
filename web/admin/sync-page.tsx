// Sync activity (admins only): each user's devices' newest sync per book, with its result and counts
// (failed ones stand out), and each user's signed-in devices, which can be signed out here.
import { Badge, Button, Checkbox, Field, Select, Subtitle1, Subtitle2, Text, tokens } from "@fluentui/react-components";
import { useCallback, useState } from "react";
import type { SyncActivity } from "./admin-api";
import { cell, NoteBar, rowLine, useAdmin, useLoaded, when } from "./parts";

const side = (c: { created: number; updated: number; deleted: number }) =>
  `${c.created} added, ${c.updated} changed, ${c.deleted} deleted`;

export function SyncPage() {
  const { run, call } = useAdmin();
  const load = useCallback(async () => {
    const [reports, books, users] = await Promise.all([
      run((api) => api.syncActivity()),
      run((api) => api.allBooks()),
      call((api) => api.users()),
    ]);
    return { reports, bookNames: new Map(books.map((b) => [b.id, b.name])), users };
  }, [run, call]);
  const { data, note } = useLoaded(load);
  const [onlyFailed, setOnlyFailed] = useState(false);
  const reports = (data?.reports ?? []).filter((r) => !onlyFailed || r.result === "failed");
  const failed = (data?.reports ?? []).filter((r) => r.result === "failed").length;
  return (
    <section aria-label="Sync activity" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Sync activity</Subtitle1>
      <NoteBar note={note} />
      {data && (
        <Text>
          {data.reports.length} {data.reports.length === 1 ? "book synced" : "books synced"} on users' devices;{" "}
          {failed === 0 ? "none failed" : `${failed} failed`} last time.
        </Text>
      )}
      <Checkbox
        label="Only failed syncs"
        checked={onlyFailed}
        onChange={(_e, d) => setOnlyFailed(Boolean(d.checked))}
      />
      <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label="Last sync of each book per device">
        <thead>
          <tr>
            {[
              "User",
              "Device",
              "Book",
              "Finished",
              "Result",
              "In Outlook",
              "On the server",
              "Conflicts",
              "Last good sync",
            ].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <ReportRow key={`${r.user}/${r.device}/${r.pair}`} report={r} bookName={data?.bookNames.get(r.book)} />
          ))}
        </tbody>
      </table>
      {data && reports.length === 0 && <Text>No syncs reported yet.</Text>}
      <Devices users={(data?.users ?? []).map((u) => u.username)} />
    </section>
  );
}

function ReportRow({ report: r, bookName }: { report: SyncActivity; bookName?: string }) {
  const failed = r.result === "failed";
  const style = failed ? { ...rowLine, background: tokens.colorPaletteRedBackground1 } : rowLine;
  return (
    <tr style={style} data-result={r.result}>
      <td style={cell}>{r.user}</td>
      <td style={cell}>{r.device}</td>
      <td style={cell}>{bookName ?? r.book}</td>
      <td style={cell}>{when(r.finishedAt)}</td>
      <td style={cell}>
        <Badge appearance="filled" color={failed ? "danger" : r.result === "stopped" ? "warning" : "success"}>
          {failed ? "Failed" : r.result === "stopped" ? "Stopped" : "Synced"}
        </Badge>
        {r.message && <div>{r.message}</div>}
        {r.counts.errors > 0 && <div>{r.counts.errors === 1 ? "1 error" : `${r.counts.errors} errors`}</div>}
      </td>
      <td style={cell}>{side(r.counts.outlook)}</td>
      <td style={cell}>{side(r.counts.server)}</td>
      <td style={cell}>{r.counts.conflicts}</td>
      <td style={cell}>{when(r.lastSyncedAt)}</td>
    </tr>
  );
}

/** One user's signed-in devices, each with its client and last use, and a way to sign it out. */
function Devices({ users }: { users: string[] }) {
  const { run } = useAdmin();
  const [user, setUser] = useState("");
  const load = useCallback(async () => (user ? run((api) => api.sessions(user)) : []), [run, user]);
  const { data: sessions, note, act } = useLoaded(load);
  return (
    <section aria-label="Signed-in devices" style={{ display: "grid", gap: 8 }}>
      <Subtitle2 as="h3">Signed-in devices</Subtitle2>
      <NoteBar note={note} />
      <Field label="Devices of">
        <Select value={user} onChange={(_e, d) => setUser(d.value)}>
          <option value="">Choose a user</option>
          {users.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </Select>
      </Field>
      {user && sessions?.length === 0 && <Text>{user} is not signed in anywhere.</Text>}
      {user && !!sessions?.length && (
        <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label={`Devices of ${user}`}>
          <thead>
            <tr>
              {["Device", "Client", "Signed in", "Last used", "Lapses unused", ""].map((h) => (
                <th key={h} style={cell}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} style={rowLine}>
                <td style={cell}>{s.device || "(unnamed)"}</td>
                <td style={cell}>{s.client}</td>
                <td style={cell}>{when(s.createdAt)}</td>
                <td style={cell}>{when(s.lastUsedAt)}</td>
                <td style={cell}>{when(s.expiresAt)}</td>
                <td style={cell}>
                  <Button
                    onClick={() =>
                      act(() => run((api) => api.endSession(user, s.id)), `${s.device || "The device"} was signed out.`)
                    }
                  >
                    Sign out {s.device || "this device"}
                    {s.current ? " (this browser)" : ""}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
