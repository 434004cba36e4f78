// Outlook Express / Windows Address Book / Windows Mail "Text File (Comma
// Separated Values)" export. The user ticks which fields to export, so any
// subset of these headers may appear, always in English.
export const outlookExpressTargets: Record<string, string> = {
  "Name": "displayName",
  "First Name": "name.given",
  "Middle Name": "name.middle",
  "Last Name": "name.family",
  "Title": "name.prefix",
  "Nickname": "name.nickname",
  "E-mail Address": "emails:other",
  "Home Street": "addresses:home.street",
  "Home City": "addresses:home.city",
  "Home Postal Code": "addresses:home.postalCode",
  "Home State": "addresses:home.region",
  "Home Country/Region": "addresses:home.country",
  "Home Phone": "phones:home",
  "Home Fax": "phones:homeFax",
  "Mobile Phone": "phones:mobile",
  "Personal Web Page": "urls:home",
  "Business Street": "addresses:business.street",
  "Business City": "addresses:business.city",
  "Business Postal Code": "addresses:business.postalCode",
  "Business State": "addresses:business.region",
  "Business Country/Region": "addresses:business.country",
  "Business Web Page": "urls:work",
  "Business Phone": "phones:business",
  "Business Fax": "phones:businessFax",
  "Pager": "phones:pager",
  "Company": "company",
  "Job Title": "jobTitle",
  "Department": "department",
  "Office Location": "office",
  "Notes": "notes",
  "Birthday": "birthday",
};

/** Headers Outlook Express writes and Outlook does not. */
export const outlookExpressOnlyHeaders = ["Name", "Personal Web Page", "Business Web Page"];
