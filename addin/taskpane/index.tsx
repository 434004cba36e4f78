/// <reference types="office-js" />
// The pane's entry: Office.onReady only renders the app with the real Office host. Tests and the
// browser e2e replace `window.Office` (and, test-only, set `window.__concordTestHooks`; see
// addin/office-host.ts) before this script runs.
import { createRoot } from "react-dom/client";
import { createOfficeHost } from "../office-host";
import { App } from "./app";

Office.onReady(() => {
  const root = document.getElementById("root");
  if (root) createRoot(root).render(<App host={createOfficeHost()} />);
});
