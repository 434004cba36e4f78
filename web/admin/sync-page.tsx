// Sync activity (admins only): one row per user and device, the device's session (sign it out here)
// matched with the syncs the add-in reported through it: the newest per book, its result and counts,
// failed ones standing out. A device signed out keeps its syncs, named by the add-in's device id.
import { Badge, Button, Caption1, Checkbox, Subtitle1, Text, tokens } from "@fluentui/react-components";
import { useCallback, useState } from "react";
import type { DeviceActivity, SyncActivity } from "./admin-api";
import { cell, NoteBar, rowLine, useAdmin, useLoaded, when } from "./parts";

const side = (c: { created: number; updated: number; deleted: number }) =>
  `${c.created} added, ${c.updated} changed, ${c.deleted} deleted`;

/** The device's result: failed when any of its books' newest syncs failed, else its newest sync's. */
function resultOf(device: DeviceActivity): SyncActivity["result"] | "none" {
  if (device.syncs.some((s) => s.result === "failed")) return "failed";
  return newest(device)?.result ?? "none";
}
const newest = (device: DeviceActivity) =>
  device.syncs.reduce<SyncActivity | undefined>((a, s) => (!a || s.finishedAt > a.finishedAt ? s : a), undefined);

/** Devices with a failed sync first, then by their newest sync, newest first; devices that never synced last. */
const byAttention = (a: DeviceActivity, b: DeviceActivity) =>
  Number(resultOf(b) === "failed") - Number(resultOf(a) === "failed") ||
  (newest(b)?.finishedAt ?? "").localeCompare(newest(a)?.finishedAt ?? "");

export function SyncPage() {
  const { run } = useAdmin();
  const load = useCallback(async () => {
    const [activity, books] = await Promise.all([run((api) => api.syncActivity()), run((api) => api.allBooks())]);
    return { ...activity, bookNames: new Map(books.map((b) => [b.id, b.name])) };
  }, [run]);
  const { data, note, act } = useLoaded(load);
  const [onlyFailed, setOnlyFailed] = useState(false);
  const devices = (data?.devices ?? []).filter((d) => !onlyFailed || resultOf(d) === "failed").sort(byAttention);
  const failed = (data?.reports ?? []).filter((r) => r.result === "failed").length;
  const signOut = (device: DeviceActivity) => {
    const { session } = device;
    if (!session) return;
    act(() => run((api) => api.endSession(device.user, session.id)), `${deviceName(device)} was signed out.`);
  };
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
      <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label="Devices and their last syncs">
        <thead>
          <tr>
            {["User", "Device", "Last sync", "Result", "Books", "Session"].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <DeviceRow
              key={`${d.user}/${d.session?.id ?? d.device}`}
              device={d}
              bookNames={data?.bookNames}
              onSignOut={() => signOut(d)}
            />
          ))}
        </tbody>
      </table>
      {data && devices.length === 0 && <Text>{onlyFailed ? "No sync failed." : "No device signed in or synced."}</Text>}
    </section>
  );
}

/** The session's device name; a device signed out is named by the add-in's device id. */
function deviceName(device: DeviceActivity): string {
  if (!device.session) return device.device;
  return device.session.device || `${device.user}'s unnamed device`;
}

type RowProps = { device: DeviceActivity; bookNames?: Map<string, string>; onSignOut(): void };

function DeviceRow({ device, bookNames, onSignOut }: RowProps) {
  const result = resultOf(device);
  const last = newest(device);
  const failed = result === "failed";
  const style = failed ? { ...rowLine, background: tokens.colorPaletteRedBackground1 } : rowLine;
  const ids = [...new Set(device.syncs.map((s) => s.device))].filter((id) => id !== device.device);
  const { session } = device;
  return (
    <tr style={style} data-result={result} data-user={device.user}>
      <td style={cell}>{device.user}</td>
      <td style={cell}>
        <div>{deviceName(device)}</div>
        {session && <Caption1>{session.client}</Caption1>}
        {ids.length > 0 && <Caption1 style={{ display: "block" }}>Add-in device {ids.join(", ")}</Caption1>}
      </td>
      <td style={cell}>{last ? when(last.finishedAt) : "No sync reported"}</td>
      <td style={cell}>
        {result !== "none" && (
          <Badge appearance="filled" color={failed ? "danger" : result === "stopped" ? "warning" : "success"}>
            {failed ? "Failed" : result === "stopped" ? "Stopped" : "Synced"}
          </Badge>
        )}
      </td>
      <td style={cell}>
        {device.syncs.map((s) => (
          <BookSync key={s.pair} sync={s} bookName={bookNames?.get(s.book)} />
        ))}
      </td>
      <td style={cell}>
        {session ? (
          <div style={{ display: "grid", gap: 4, justifyItems: "start" }}>
            <Caption1>Last used {when(session.lastUsedAt)}</Caption1>
            <Button onClick={onSignOut}>
              Sign out {deviceName(device)}
              {session.current ? " (this browser)" : ""}
            </Button>
          </div>
        ) : (
          <Text>Signed out</Text>
        )}
      </td>
    </tr>
  );
}

/** One book's newest sync on the device: result, what changed on each side, and the last good sync. */
function BookSync({ sync: s, bookName }: { sync: SyncActivity; bookName?: string }) {
  const failed = s.result === "failed";
  return (
    <div data-book-result={s.result} style={{ display: "grid", marginBottom: 4 }}>
      <Text weight="semibold">
        {bookName ?? s.book}: {failed ? "Failed" : s.result === "stopped" ? "Stopped" : "Synced"} {when(s.finishedAt)}
      </Text>
      {s.message && <Text>{s.message}</Text>}
      <Caption1>
        In Outlook {side(s.counts.outlook)}; on the server {side(s.counts.server)}; {s.counts.conflicts} conflicts
        {s.counts.errors > 0 ? `; ${s.counts.errors === 1 ? "1 error" : `${s.counts.errors} errors`}` : ""}
      </Caption1>
      {failed && <Caption1>Last good sync: {when(s.lastSyncedAt)}</Caption1>}
    </div>
  );
}
