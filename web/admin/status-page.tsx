// Server status (admins only): version, database, this instance's uptime, the maintenance jobs with
// their last run (kept in the database, so every instance shows the same) and this instance's next run,
// and each book's size.
import { Badge, Button, Subtitle1, Subtitle2, Text } from "@fluentui/react-components";
import { useCallback } from "react";
import { cell, NoteBar, rowLine, useAdmin, useLoaded, when } from "./parts";

const jobNames: Record<string, string> = {
  "audit-purge": "Drop audit entries past their retention",
  "import-expiry": "Drop expired import uploads and undo data",
  "photo-collection": "Drop photos no contact uses",
  "book-compaction": "Forget old deleted contacts and compact change logs",
  "quota-recount": "Recount users' contacts and photo bytes",
};

function uptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days ? `${days} d ${hours} h` : hours ? `${hours} h ${minutes} min` : `${minutes} min`;
}

/** The time of day, and the date too when it is not today. */
function clock(iso: string): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return at.toDateString() === new Date().toDateString() ? time : `${time} on ${at.toLocaleDateString("en")}`;
}

export function StatusPage() {
  const { run } = useAdmin();
  const { data: status, note, reload } = useLoaded(useCallback(() => run((api) => api.status()), [run]));
  return (
    <section aria-label="Server status" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Server status</Subtitle1>
      <NoteBar note={note} />
      <div>
        <Button onClick={() => reload()}>Refresh</Button>
      </div>
      {status && (
        <dl style={{ display: "grid", gridTemplateColumns: "max-content 1fr", gap: "4px 16px", margin: 0 }}>
          <dt>Version</dt>
          <dd style={{ margin: 0 }}>{status.version}</dd>
          <dt>Database</dt>
          <dd style={{ margin: 0 }}>
            {status.database === "mongodb" ? "MongoDB (MONGODB_URI)" : "Embedded (FerretDB on SQLite in DATA_DIR)"}
          </dd>
          <dt>Up for</dt>
          <dd style={{ margin: 0 }}>
            {uptime(status.uptimeSeconds)} (this instance, since {when(status.startedAt)})
          </dd>
        </dl>
      )}
      <Subtitle2 as="h3">
        Maintenance jobs
        {status &&
          ` (every ${status.maintenance.intervalHours} hours; this instance runs them next at ${clock(status.maintenance.nextRunAt)})`}
      </Subtitle2>
      <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label="Maintenance jobs">
        <thead>
          <tr>
            {["Job", "Last run", "Result", "Next run"].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {status?.jobs.map((j) => (
            <tr key={j.job} style={rowLine} data-job={j.job}>
              <td style={cell}>{jobNames[j.job] ?? j.job}</td>
              <td style={cell}>{j.finishedAt ? when(j.finishedAt) : "Not run yet"}</td>
              <td style={cell}>
                <Badge
                  appearance="filled"
                  color={j.result === "failed" ? "danger" : j.result === "ok" ? "success" : "informative"}
                >
                  {j.result === "failed" ? "Failed" : j.result === "ok" ? "Done" : "Waiting for its first run"}
                </Badge>
                {j.message && <div>{j.message}</div>}
              </td>
              <td style={cell}>{status && `At ${clock(status.maintenance.nextRunAt)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Subtitle2 as="h3">Address books</Subtitle2>
      <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label="Book sizes">
        <thead>
          <tr>
            {["Book", "Owner", "Contacts", "Deleted (kept for restore)"].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {status?.books.map((b) => (
            <tr key={b.id} style={rowLine}>
              <td style={cell}>{b.name}</td>
              <td style={cell}>{b.owner ?? "everyone"}</td>
              <td style={cell}>{b.contacts.toLocaleString("en")}</td>
              <td style={cell}>{b.tombstones.toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {status && <Text>{status.books.length} address books.</Text>}
    </section>
  );
}
