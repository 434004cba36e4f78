// The import API signed with the session's token; calls go through the session's `call`, so a 401
// opens the sign-in dialog as everywhere else in the app.
import { useCallback, useMemo, useRef } from "react";
import { useSession } from "../session";
import { createImportApi, type ImportApi } from "./import-api";

export function useImportApi() {
  const { signedIn, call } = useSession();
  const token = useRef(signedIn?.token);
  token.current = signedIn?.token;
  const api = useMemo(() => createImportApi(location.origin, () => token.current), []);
  const run = useCallback(<T>(work: (api: ImportApi) => Promise<T>) => call(() => work(api)), [call, api]);
  return run;
}
