// Placeholder task pane so the add-in builds; the real pane replaces this file.
/// <reference types="office-js" />
import { createRoot } from "react-dom/client";

Office.onReady(() => {
  const root = document.getElementById("root");
  if (root) createRoot(root).render(<h1>Concord</h1>);
});
