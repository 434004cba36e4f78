// The export route's write: it waits while the socket's buffer is full, and leaves no listener
// behind on the response each time it waited (a long export waits thousands of times).
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Response } from "express";
import { writerTo } from "../../server/routes/export";

describe("export stream", () => {
  it("leaves no drain or close listener on the response after waiting on a full buffer", async () => {
    const res = Object.assign(new EventEmitter(), { destroyed: false, write: () => false });
    const write = writerTo(res as unknown as Response);
    for (let i = 0; i < 50; i++) {
      const written = write(Buffer.from("row\r\n"));
      res.emit("drain");
      await written;
    }
    assert.deepEqual([res.listenerCount("drain"), res.listenerCount("close")], [0, 0]);
  });
});
