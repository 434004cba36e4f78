// What the administration pages share: the message bar, a loader that reports failures, and the
// admin client signed with the session's token.
import { MessageBar, MessageBarBody, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { messageOf } from "../api";
import { useSession } from "../session";
import { type AdminApi, createAdminApi } from "./admin-api";

export type Note = { intent: "error" | "success"; text: string } | undefined;

export function NoteBar({ note }: { note: Note }) {
  if (!note) return null;
  return (
    <MessageBar layout="multiline" intent={note.intent}>
      <MessageBarBody>{note.text}</MessageBarBody>
    </MessageBar>
  );
}

/** Runs admin calls through the session, so an expired session opens the sign-in dialog. */
export function useAdmin() {
  const { signedIn, call } = useSession();
  const token = useRef(signedIn?.token);
  token.current = signedIn?.token;
  const admin = useMemo(() => createAdminApi(location.origin, () => token.current), []);
  const run = useCallback(<T,>(work: (api: AdminApi) => Promise<T>) => call(() => work(admin)), [call, admin]);
  return { run, call };
}

/** Loads with `load` on mount and on `reload()`; failures become the note. */
export function useLoaded<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T>();
  const [note, setNote] = useState<Note>();
  const reload = useCallback(async () => {
    try {
      setData(await load());
    } catch (failure) {
      setNote({ intent: "error", text: messageOf(failure) });
    }
  }, [load]);
  useEffect(() => {
    reload();
  }, [reload]);
  /** Runs a change, says it was done (or why not), and loads again. */
  const act = useCallback(
    async (work: () => Promise<unknown>, done: string) => {
      try {
        await work();
        setNote({ intent: "success", text: done });
      } catch (failure) {
        setNote({ intent: "error", text: messageOf(failure) });
      }
      await reload();
    },
    [reload],
  );
  return { data, note, setNote, reload, act };
}

export const cell: CSSProperties = { textAlign: "left", padding: 4, verticalAlign: "top" };
export const rowLine: CSSProperties = { borderTop: `1px solid ${tokens.colorNeutralStroke3}` };
export const card: CSSProperties = {
  display: "grid",
  gap: 8,
  padding: 8,
  border: `1px solid ${tokens.colorNeutralStroke2}`,
  borderRadius: 4,
};
export const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString("en") : "never");
