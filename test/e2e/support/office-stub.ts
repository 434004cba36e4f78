// What the task pane sees of Outlook in the browser e2e: a stub `Office` global, installed before any
// page script runs, with the parts addin/office-host.ts reads (roaming settings, requirement sets,
// mailbox) and an onReady that resolves at once. It is plain script text, not a serialised function,
// so nothing the TypeScript loader adds to functions can leak into the page.
import type { TestHooks } from "../../../addin/office-host";

export type OfficeStubOptions = {
  hooks: TestHooks;
  /** Whether Nested App Authentication 1.1 is supported (Microsoft 365 Outlook). */
  nestedAppAuth?: boolean;
};

export function officeStubScript({ hooks, nestedAppAuth = true }: OfficeStubOptions): string {
  return `(() => {
  const roaming = new Map();
  const saved = {};
  const ready = Promise.resolve({ host: "Outlook", platform: "OfficeOnline" });
  window.__concordTestHooks = ${JSON.stringify(hooks)};
  window.__concordRoamingSaved = saved;
  window.Office = {
    HostType: { Outlook: "Outlook" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    onReady(callback) {
      return ready.then((info) => { if (callback) callback(info); return info; });
    },
    context: {
      requirements: { isSetSupported: (name, version) => name === "NestedAppAuth" ? ${nestedAppAuth} : name === "Mailbox" },
      roamingSettings: {
        get: (name) => roaming.get(name),
        set: (name, value) => void roaming.set(name, value),
        remove: (name) => void roaming.delete(name),
        saveAsync(callback) {
          for (const key of Object.keys(saved)) delete saved[key];
          for (const [key, value] of roaming) saved[key] = value;
          setTimeout(() => callback && callback({ status: "succeeded" }), 0);
        },
      },
      mailbox: { userProfile: { emailAddress: "ann@example.com", displayName: "Ann" } },
    },
  };
})();`;
}

/** Stands in for the real office/office.js, which would replace the stub and wait for an Office host that never answers. */
export const officeJsReplacement = "/* office.js replaced by the e2e Office stub (test/e2e/support/office-stub.ts) */";
