/// <reference types="office-js" />
// How SOAP reaches Exchange. In the add-in that is
// Office.context.mailbox.makeEwsRequestAsync, which talks to the Exchange
// server hosting the mailbox with the user's credentials ("Use Exchange Web
// Services (EWS) from an Outlook add-in", learn.microsoft.com/office/dev/add-ins/outlook/web-services).
// In tests it is a plain HTTP POST to a fake EWS endpoint.

/** Sends one SOAP envelope and resolves with the SOAP response text. */
export type EwsTransport = (soap: string) => Promise<string>;

/**
 * "Limits for activation and JavaScript API for Outlook add-ins": a request or
 * response to makeEwsRequestAsync may hold 1 MB of characters in classic
 * Outlook on Windows and Mac (5 MB in newer clients). We keep to the smaller one,
 * counted as 1,000,000 characters so that either reading of "MB" is met.
 */
export const ewsMessageLimit = 1_000_000;

export class EwsTransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "EwsTransportError";
  }
}

type MakeEwsRequest = (data: string, callback: (result: Office.AsyncResult<string>) => void) => void;

/** The one place that touches Office: tests replace it with an office-addin-mock mailbox. */
export function officeMailbox(): { makeEwsRequestAsync: MakeEwsRequest } {
  return Office.context.mailbox;
}

export function officeEwsTransport(mailbox = officeMailbox()): EwsTransport {
  return (soap) =>
    new Promise((resolve, reject) => {
      mailbox.makeEwsRequestAsync(soap, (result) => {
        // Office.js defines AsyncResultStatus.Succeeded as the string "succeeded"; the typings declare a numeric enum.
        if (String(result.status) === "succeeded") return resolve(result.value);
        const error = result.error;
        reject(
          new EwsTransportError(
            String(error?.code ?? error?.name ?? "Failed"),
            `makeEwsRequestAsync failed: ${error?.message ?? "no message"}`,
          ),
        );
      });
    });
}

/** POSTs to an EWS URL. EWS reports SOAP faults (throttling among them) with HTTP 500 and a SOAP body. */
export function httpEwsTransport(url: string): EwsTransport {
  return async (soap) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8" },
      body: soap,
    });
    const body = await response.text();
    if (response.ok || (response.status === 500 && body.includes("Envelope"))) return body;
    throw new EwsTransportError(
      `HTTP${response.status}`,
      `EWS endpoint answered ${response.status}: ${body.slice(0, 200)}`,
    );
  };
}
