// TextEncoder and TextDecoder (WHATWG Encoding Standard, https://encoding.spec.whatwg.org/) are pure and exist in every
// host core runs in (browsers, Node). core's own typecheck has neither DOM nor Node types, so it declares them here;
// the root tsconfig excludes core/types/ and uses the DOM and Node declarations instead.
interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}

declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
