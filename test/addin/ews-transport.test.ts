// The makeEwsRequestAsync wrapper, with the mailbox replaced by office-addin-mock.
import assert from "node:assert/strict";
import { OfficeMockObject } from "office-addin-mock";
import { EwsTransportError, officeEwsTransport, officeMailbox } from "../../addin/outlook/ews-transport";

type Callback = (result: {
  status: string;
  value?: string;
  error?: { code: number; name: string; message: string };
}) => void;

function mockOffice(answer: (data: string) => Parameters<Callback>[0]) {
  const sent: string[] = [];
  const office = new OfficeMockObject({
    context: {
      mailbox: {
        makeEwsRequestAsync(data: string, callback: Callback) {
          sent.push(data);
          setTimeout(() => callback(answer(data)), 0); // Office answers asynchronously
        },
      },
    },
  }) as unknown as typeof Office;
  return { office, sent };
}

describe("makeEwsRequestAsync transport", () => {
  const saved = (globalThis as { Office?: unknown }).Office;
  afterEach(() => {
    (globalThis as { Office?: unknown }).Office = saved;
  });

  it("sends the SOAP text through Office.context.mailbox and resolves with the response XML", async () => {
    const { office, sent } = mockOffice((data) => ({ status: "succeeded", value: `<Echo>${data.length}</Echo>` }));
    (globalThis as { Office?: unknown }).Office = office;
    const response = await officeEwsTransport(officeMailbox())("<soap:Envelope/>");
    assert.equal(response, "<Echo>16</Echo>");
    assert.deepEqual(sent, ["<soap:Envelope/>"]);
  });

  it("rejects with the AsyncResult error when Outlook reports a failure", async () => {
    const { office } = mockOffice(() => ({
      status: "failed",
      error: {
        code: 9020,
        name: "GenericResponseError",
        message: "The request exceeds the 1 MB size limit. Please modify your EWS request.",
      },
    }));
    (globalThis as { Office?: unknown }).Office = office;
    await assert.rejects(
      officeEwsTransport()("<soap:Envelope/>"),
      (e: unknown) => e instanceof EwsTransportError && e.code === "9020" && /1 MB size limit/.test(e.message),
    );
  });
});
