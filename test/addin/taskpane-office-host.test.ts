// The Office host adapter with Outlook replaced by office-addin-mock.
import assert from "node:assert/strict";
import { OfficeMockObject } from "office-addin-mock";
import { createOfficeHost, deviceId, testHooks } from "../../addin/office-host";

type SaveCallback = (result: { status: string; error?: { message: string } }) => void;

function mockOffice(options: { nestedAppAuth?: boolean; ews?: boolean; saveFails?: boolean } = {}) {
  const stored: Record<string, unknown> = {};
  let saves = 0;
  const office = new OfficeMockObject({
    context: {
      roamingSettings: {
        get: (name: string) => stored[name],
        set: (name: string, value: unknown) => void (stored[name] = value),
        remove: (name: string) => void delete stored[name],
        saveAsync(callback: SaveCallback) {
          saves++;
          setTimeout(
            () =>
              callback(
                options.saveFails
                  ? { status: "failed", error: { message: "quota exceeded" } }
                  : { status: "succeeded" },
              ),
            0,
          );
        },
      },
      mailbox: options.ews === false ? {} : { makeEwsRequestAsync: () => {} },
      requirements: {
        isSetSupported: (name: string, version: string) =>
          options.nestedAppAuth === true && name === "NestedAppAuth" && version === "1.1",
      },
    },
  });
  return { office: office as unknown as Parameters<typeof createOfficeHost>[0], stored, saves: () => saves };
}

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

describe("Office host adapter", () => {
  it("keeps settings in roaming settings and saves them with the mailbox", async () => {
    const { office, stored, saves } = mockOffice();
    const host = createOfficeHost(office, new MemoryStorage());
    await host.roaming.set("settings", "{}");
    assert.equal(stored["concord.settings"], "{}");
    assert.equal(saves(), 1);
    assert.equal(host.roaming.get("settings"), "{}");
    await host.roaming.set("settings", undefined);
    assert.equal(host.roaming.get("settings"), undefined);
  });

  it("reports a failed roaming-settings save in plain words", async () => {
    const { office } = mockOffice({ saveFails: true });
    const host = createOfficeHost(office, new MemoryStorage());
    await assert.rejects(host.roaming.set("x", "1"), /Outlook could not save the add-in settings: quota exceeded/);
  });

  it("keeps the session in this browser's storage, not in roaming settings", async () => {
    const { office, stored } = mockOffice();
    const storage = new MemoryStorage();
    const host = createOfficeHost(office, storage);
    await host.local.set("session", "jwt");
    assert.equal(storage.items.get("concord.session"), "jwt");
    assert.equal(stored["concord.session"], undefined);
  });

  it("falls back to local storage when Office has no roaming settings", async () => {
    const storage = new MemoryStorage();
    const host = createOfficeHost(undefined, storage);
    await host.roaming.set("deviceId", "d1");
    assert.equal(storage.items.get("concord.deviceId"), "d1");
  });

  it("detects Nested App Authentication 1.1 and EWS availability", () => {
    assert.equal(createOfficeHost(mockOffice({ nestedAppAuth: true }).office).nestedAppAuthSupported(), true);
    assert.equal(createOfficeHost(mockOffice({ nestedAppAuth: false }).office).nestedAppAuthSupported(), false);
    assert.equal(createOfficeHost(mockOffice({ ews: true }).office).ewsAvailable(), true);
    assert.equal(createOfficeHost(mockOffice({ ews: false }).office).ewsAvailable(), false);
  });

  it("makes one device id and keeps returning it", async () => {
    const host = createOfficeHost(mockOffice().office, new MemoryStorage());
    let made = 0;
    const first = await deviceId(host, () => `dev-${++made}`);
    const second = await deviceId(host, () => `dev-${++made}`);
    assert.equal(first, "dev-1");
    assert.equal(second, "dev-1");
  });

  it("reads the test hooks only when a test set them", () => {
    const g = globalThis as { __concordTestHooks?: unknown };
    assert.equal(testHooks(), undefined);
    g.__concordTestHooks = { graphToken: "t", graphBaseUrl: "http://127.0.0.1:9/v1.0" };
    try {
      assert.deepEqual(testHooks(), { graphToken: "t", graphBaseUrl: "http://127.0.0.1:9/v1.0" });
    } finally {
      delete g.__concordTestHooks;
    }
  });
});
