// Thunderbird's address book exports: "Comma Separated" CSV (English column names) and LDIF
// (Mozilla's LDAP schema, attribute names compared without case). Birthdays come as three
// columns (year, month, day); birthdayOf puts them together.
export const thunderbirdCsvTargets: Record<string, string> = {
  "First Name": "name.given",
  "Last Name": "name.family",
  "Display Name": "displayName",
  "Nickname": "name.nickname",
  "Primary Email": "emails[0].address",
  "Secondary Email": "emails[1].address",
  "Screen Name": "im",
  "Work Phone": "phones:business",
  "Home Phone": "phones:home",
  "Fax Number": "phones:businessFax",
  "Pager Number": "phones:pager",
  "Mobile Number": "phones:mobile",
  "Home Address": "addresses:home.street",
  "Home Address 2": "addresses:home.street",
  "Home City": "addresses:home.city",
  "Home State": "addresses:home.region",
  "Home ZipCode": "addresses:home.postalCode",
  "Home Country": "addresses:home.country",
  "Work Address": "addresses:business.street",
  "Work Address 2": "addresses:business.street",
  "Work City": "addresses:business.city",
  "Work State": "addresses:business.region",
  "Work ZipCode": "addresses:business.postalCode",
  "Work Country": "addresses:business.country",
  "Job Title": "jobTitle",
  "Department": "department",
  "Organization": "company",
  "Web Page 1": "urls:work",
  "Web Page 2": "urls:home",
  "Birth Year": "ignore",
  "Birth Month": "ignore",
  "Birth Day": "ignore",
  "Notes": "notes",
};

/** Headers only Thunderbird's CSV has. */
export const isThunderbirdCsv = (headers: string[]) =>
  headers.includes("Primary Email") && headers.includes("Display Name");

const ldifTargets: Record<string, string> = {
  cn: "displayName",
  givenname: "name.given",
  sn: "name.family",
  mozillanickname: "name.nickname",
  mail: "emails[0].address",
  mozillasecondemail: "emails[1].address",
  nsaimid: "im",
  telephonenumber: "phones:business",
  homephone: "phones:home",
  facsimiletelephonenumber: "phones:businessFax",
  fax: "phones:businessFax",
  pager: "phones:pager",
  mobile: "phones:mobile",
  mozillahomestreet: "addresses:home.street",
  mozillahomestreet2: "addresses:home.street",
  mozillahomelocalityname: "addresses:home.city",
  mozillahomestate: "addresses:home.region",
  mozillahomepostalcode: "addresses:home.postalCode",
  mozillahomecountryname: "addresses:home.country",
  street: "addresses:business.street",
  mozillaworkstreet2: "addresses:business.street",
  l: "addresses:business.city",
  st: "addresses:business.region",
  postalcode: "addresses:business.postalCode",
  c: "addresses:business.country",
  title: "jobTitle",
  ou: "department",
  department: "department",
  o: "company",
  company: "company",
  mozillaworkurl: "urls:work",
  mozillahomeurl: "urls:home",
  description: "notes",
  dn: "ignore",
  objectclass: "ignore",
  modifytimestamp: "ignore",
  birthyear: "ignore",
  birthmonth: "ignore",
  birthday: "ignore",
};

export const ldifTarget = (attribute: string): string | undefined => ldifTargets[attribute.toLowerCase()];

const birthdayColumns = {
  csv: ["Birth Year", "Birth Month", "Birth Day"],
  ldif: ["birthyear", "birthmonth", "birthday"],
};

/** The birthday Thunderbird's three columns give ("YYYY-MM-DD" or year-less "--MM-DD"), if any. */
export function birthdayOf(kind: "csv" | "ldif", cell: (header: string) => string | undefined): string | undefined {
  const [year, month, day] = birthdayColumns[kind].map((h) => (cell(h) ?? "").trim());
  if (!/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return undefined;
  const md = `${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  return /^\d{4}$/.test(year) ? `${year}-${md}` : `--${md}`;
}
