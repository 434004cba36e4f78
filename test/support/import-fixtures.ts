// Import files as the programs that write them do, built by the tests themselves.
import iconv from "iconv-lite";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { outlookColumns } from "../../core/formats/csv/outlook-columns";
import type { ImportCharset } from "../../core/formats/import";

/** Short texts with what is hard to read in pieces: characters of two to four bytes, a surrogate
 *  pair, line ends, quotes, U+FEFF. */
export const awkwardText = fc.string({ unit: fc.constantFrom(...'aé€中😀\r\n,"ü\ufeff'), maxLength: 40 });

/** A text as a file in an import charset, with the byte order mark UTF-8 and UTF-16 exports start
 *  with; in windows-1252 what it cannot hold is "?" first. `source`: the text the file holds. */
export function inCharset(text: string, charset: ImportCharset): { source: string; bytes: Uint8Array } {
  if (charset === "windows-1252") {
    const source = text.replace(/[中😀\ufeff]/gu, "?");
    return { source, bytes: iconv.encode(source, "windows-1252") };
  }
  const bytes =
    charset === "utf-8" ? new TextEncoder().encode(`\ufeff${text}`) : iconv.encode(`\ufeff${text}`, charset);
  return { source: text, bytes };
}

/** A 92-column Outlook "Comma Separated Values (Windows)" export, in windows-1252. `rows`: column → value. */
export function outlookCsv(rows: Record<string, string>[]): Buffer {
  const blank: Record<string, string> = Object.fromEntries(outlookColumns.map((c) => [c, ""]));
  const records = rows.map((r) =>
    outlookColumns.map(
      (c) =>
        (<Record<string, string>>{
          ...blank,
          Birthday: "0/0/00",
          Anniversary: "0/0/00",
          Gender: "Unspecified",
          Priority: "Normal",
          Sensitivity: "Normal",
          Private: "False",
          ...r,
        })[c],
    ),
  );
  const text = stringify([[...outlookColumns], ...records], { record_delimiter: "windows", quoted: true });
  return iconv.encode(text, "windows-1252");
}

/** Outlook's own vCard 2.1 export of several cards, quoted-printable for non-ASCII and multi-line notes. */
export const outlookVCard21 = Buffer.concat([
  Buffer.from(
    [
      "BEGIN:VCARD",
      "VERSION:2.1",
      "N;LANGUAGE=de;CHARSET=Windows-1252:M=FCller;J=FCrgen",
      "FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller",
      "ORG;ENCODING=QUOTED-PRINTABLE:Stadtwerke K=F6ln",
      "TEL;WORK;VOICE:+49 221 1234567",
      "EMAIL;PREF;INTERNET:juergen.mueller@example.de",
      "NOTE;ENCODING=QUOTED-PRINTABLE:First line=0D=0A=",
      "second line",
      "UID:outlook-uid-1",
      "END:VCARD",
      "",
      "BEGIN:VCARD",
      "VERSION:2.1",
      "N:Smith;Ann",
      "FN:Ann Smith",
      "TEL;CELL;VOICE:+1 555 0100",
      "EMAIL;PREF;INTERNET:ann@example.com",
      "END:VCARD",
      "",
    ].join("\r\n"),
    "latin1",
  ),
]);

/** Google Contacts' current CSV export with " ::: " multi-values. */
export const googleCsv = Buffer.from(
  [
    "First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value",
    "Grace,Hopper,* myContacts ::: Navy,* Work,grace@navy.test ::: grace@home.test,Mobile,+1 202 555 0199 ::: +1 202 555 0100",
    "",
  ].join("\r\n"),
);

/** Thunderbird's LDIF export: folded lines, base64 values, two entries. */
export const thunderbirdLdif = Buffer.from(
  [
    "dn: cn=Ada Lovelace,mail=ada@example.org",
    "objectclass: top",
    "objectclass: person",
    "objectclass: mozillaAbPersonAlpha",
    "givenName: Ada",
    "sn: Lovelace",
    "cn: Ada Lovelace",
    "mail: ada@example.org",
    "mozillaSecondEmail: countess@example.org",
    "telephoneNumber: +44 20 7946 0000",
    "mobile: +44 7700 900000",
    "o: Analytical Engines",
    "description:: TWF0aGVtYXRpY2lhbgpQb2V0aWNhbCBzY2llbnRpc3Q=",
    "birthyear: 1815",
    "birthmonth: 12",
    "birthday: 10",
    "modifytimestamp: 0",
    "",
    "dn: cn=Charles Babbage,mail=charles@example.org",
    "objectclass: top",
    "givenName: Charles",
    "sn: Babbage",
    "cn: Charles Bab",
    " bage",
    "mail: charles@example.org",
    "",
  ].join("\n"),
);
